namespace Dcgan.Cli.Tests;

public sealed class BrokerAddressTests
{
    [Fact]
    public void Parse_FullUri_ReadsEveryPart()
    {
        BrokerAddress broker = BrokerAddress.Parse("amqp://trainer:p%40ss@rabbit.example:5673/prod");

        broker.Host.ShouldBe("rabbit.example");
        broker.Port.ShouldBe(5673);
        broker.VirtualHost.ShouldBe("prod");
        broker.Username.ShouldBe("trainer");
        broker.Password.ShouldBe("p@ss");
        broker.UsesTls.ShouldBeFalse();
    }

    [Theory]
    [InlineData("amqp://127.0.0.1", 5672, "/", false)]
    [InlineData("amqp://127.0.0.1/", 5672, "/", false)]
    [InlineData("amqp://127.0.0.1:5680/%2F", 5680, "/", false)]
    [InlineData("amqps://broker.example/jobs", 5671, "jobs", true)]
    public void Parse_Defaults_FollowAmqpUriRules(string uri, int port, string virtualHost, bool tls)
    {
        BrokerAddress broker = BrokerAddress.Parse(uri);

        broker.Port.ShouldBe(port);
        broker.VirtualHost.ShouldBe(virtualHost);
        broker.UsesTls.ShouldBe(tls);
        broker.Username.ShouldBe("guest");
        broker.Password.ShouldBe("guest");
    }

    [Theory]
    [InlineData("http://user:secret-1@host/")]
    [InlineData("user:secret-1@host")]
    [InlineData("amqp:///vhost")]
    public void Parse_NotAmqpUri_FailsWithoutPassword(string uri)
    {
        ArgumentException exception = Should.Throw<ArgumentException>(() => BrokerAddress.Parse(uri));

        exception.Message.ShouldContain("--broker is not a valid AMQP URI");
        exception.Message.ShouldNotContain("secret-1");
    }

    [Fact]
    public void ToString_MasksPassword()
    {
        BrokerAddress broker = BrokerAddress.Parse("amqp://trainer:secret-1@127.0.0.1:5673/prod");

        broker.ToString().ShouldBe("amqp://trainer:***@127.0.0.1:5673/prod");
    }
}
