using System.CommandLine;

namespace Dcgan.Cli.Tests;

public sealed class ClientOptionsTests
{
    private static readonly ClientOptions Options = new("--train-queue", "dcgan-train", "Maximum wait.");

    [Fact]
    public void Read_NoBrokerAnywhere_RunsEmbedded()
    {
        ClientSettings settings = Options.Read(Parse(), NoVariables);

        settings.IsEmbedded.ShouldBeTrue();
        settings.Queue.ShouldBe("dcgan-train");
        settings.ArtifactContainer.ShouldBe("dcgan-artifacts");
        settings.Timeout.ShouldBeNull();
    }

    [Fact]
    public void Read_BrokerVariable_UsedWithoutOption()
    {
        ClientSettings settings = Options.Read(
            Parse(),
            name => name switch
            {
                ClientOptions.BrokerVariable => "amqp://from-variable:pw@10.1.2.3:5673/",
                ClientOptions.StorageVariable => "UseDevelopmentStorage=true",
                _ => null,
            });

        settings.Broker.ShouldNotBeNull();
        settings.Broker.Username.ShouldBe("from-variable");
        settings.StorageConnectionString.ShouldBe("UseDevelopmentStorage=true");
    }

    [Fact]
    public void Read_BrokerOption_WinsOverVariable()
    {
        ClientSettings settings = Options.Read(
            Parse("--broker", "amqp://from-option:pw@127.0.0.1/", "--timeout", "2h"),
            name => name == ClientOptions.BrokerVariable ? "amqp://from-variable:pw@127.0.0.1/" : null);

        settings.Broker!.Username.ShouldBe("from-option");
        settings.Timeout.ShouldBe(TimeSpan.FromHours(2));
    }

    [Fact]
    public void ToString_HidesSecrets()
    {
        ClientSettings settings = Options.Read(
            Parse("--broker", "amqp://user:secret-1@127.0.0.1/", "--storage-connection-string", "AccountKey=secret-2"),
            NoVariables);

        settings.ToString().ShouldNotContain("secret-1");
        settings.ToString().ShouldNotContain("secret-2");
    }

    private static string? NoVariables(string name) => null;

    private static ParseResult Parse(params string[] arguments)
    {
        var command = new RootCommand();
        Options.AddTo(command);
        return command.Parse(arguments);
    }
}
