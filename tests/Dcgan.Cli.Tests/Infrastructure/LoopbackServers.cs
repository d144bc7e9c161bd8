using System.Security.Cryptography;

namespace Dcgan.Cli.Tests.Infrastructure;

/// <summary>
/// A private RabbitMQ node and Azurite Blob service on 127.0.0.1, started with infra/scripts for the tests of one
/// class and stopped afterwards. RabbitMQ gets a user for the command line with a random password, so tests can check
/// that the password never appears in the output.
/// </summary>
public sealed class LoopbackServers : IAsyncLifetime
{
    /// <summary>Published key of Azurite's development account devstoreaccount1; not a secret, but treated as one.</summary>
    public const string AzuriteAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>RabbitMQ user of the command line.</summary>
    public const string ClientUser = "dcgan-cli";

    private readonly string rabbitMqFolder = Directory.CreateTempSubdirectory("dcgan-cli-rabbitmq-").FullName;
    private readonly string azuriteFolder = Directory.CreateTempSubdirectory("dcgan-cli-azurite-").FullName;

    public int RabbitMqPort { get; private set; }

    public int AzuritePort { get; private set; }

    /// <summary>Password of <see cref="ClientUser"/>, random per run.</summary>
    public string ClientPassword { get; } = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Connection string of Azurite's development account.</summary>
    public string StorageConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{AzuritePort}/devstoreaccount1;";

    /// <summary>Broker URI of <see cref="ClientUser"/>.</summary>
    public string ClientBrokerUri => $"amqp://{ClientUser}:{ClientPassword}@127.0.0.1:{RabbitMqPort}/";

    public async Task InitializeAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The RabbitMQ and Azurite scripts under infra/scripts run on Linux only.");
        }

        // The node runs as the rabbitmq user, which must be able to enter the folder.
        File.SetUnixFileMode(
            rabbitMqFolder,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
            UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        RabbitMqPort = InfraScript.LastLinePort(await InfraScript.RunAsync("start-rabbitmq.sh", rabbitMqFolder));
        AzuritePort = InfraScript.LastLinePort(await InfraScript.RunAsync("start-azurite.sh", azuriteFolder));
        await RabbitMqCtlAsync("add_user", ClientUser, ClientPassword);
        await RabbitMqCtlAsync("set_permissions", "-p", "/", ClientUser, ".*", ".*", ".*");
    }

    public async Task DisposeAsync()
    {
        // Both stops run even when one fails, so no server outlives the tests.
        Exception? failure = null;
        foreach ((string script, string folder) in (ValueTuple<string, string>[])
            [("stop-rabbitmq.sh", rabbitMqFolder), ("stop-azurite.sh", azuriteFolder)])
        {
            try
            {
                await InfraScript.RunAsync(script, folder);
            }
            catch (InvalidOperationException exception)
            {
                failure ??= exception;
            }
        }

        Directory.Delete(rabbitMqFolder, recursive: true);
        Directory.Delete(azuriteFolder, recursive: true);
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>Runs rabbitmqctl against the private node, through its private epmd, as start-rabbitmq.sh describes.</summary>
    private Task RabbitMqCtlAsync(params string[] arguments)
    {
        string node = File.ReadAllText(Path.Combine(rabbitMqFolder, "node-name")).Trim();
        string epmdPort = File.ReadAllText(Path.Combine(rabbitMqFolder, "epmd-port")).Trim();
        string[] command = ["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", node, "--quiet", .. arguments];
        var environment = new Dictionary<string, string> { ["ERL_EPMD_PORT"] = epmdPort, ["ERL_EPMD_ADDRESS"] = "127.0.0.1" };
        return Environment.UserName == "root"
            ? InfraScript.RunProcessAsync("runuser", ["-u", "rabbitmq", "--", .. command], environment)
            : InfraScript.RunProcessAsync(command[0], command[1..], environment);
    }
}
