using System.CommandLine;
using System.Text.RegularExpressions;

namespace Dcgan.Cli;

/// <summary>
/// Options that choose where a job runs and where its artifacts go: in this process (the default) or on a worker
/// reached through a RabbitMQ broker. Each command creates its own instance.
/// </summary>
internal sealed partial class ClientOptions
{
    /// <summary>Environment variable read when <c>--broker</c> is not given.</summary>
    public const string BrokerVariable = "DCGAN_BROKER";

    /// <summary>Environment variable read when <c>--storage-connection-string</c> is not given.</summary>
    public const string StorageVariable = "DCGAN_STORAGE_CONNECTION_STRING";

    /// <summary>Default artifact container of the worker.</summary>
    public const string DefaultArtifactContainer = "dcgan-artifacts";

    private readonly string queueOptionName;

    public ClientOptions(string queueOptionName, string defaultQueue, string timeoutDescription)
    {
        this.queueOptionName = queueOptionName;
        Broker = new Option<string?>("--broker")
        {
            Description = "RabbitMQ broker as amqp://user:password@host:port/vhost (amqps:// for TLS). The command " +
                "then sends the job to a worker on that broker and follows its events instead of running it in this " +
                $"process. Default: the {BrokerVariable} variable. Prefer the variable, because other users of this " +
                "machine can read command lines.",
        };
        Queue = new Option<string>(queueOptionName)
        {
            Description = "Queue the command is sent to with --broker.",
            DefaultValueFactory = _ => defaultQueue,
        };
        Queue.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is null || !QueueNamePattern().IsMatch(value))
            {
                result.AddError(
                    $"{queueOptionName} '{value}' is invalid: use 1 to 200 characters of A-Z, a-z, 0-9, '.', '-' " +
                    "and '_', starting with a letter or digit.");
            }
        });
        StorageConnectionString = new Option<string?>("--storage-connection-string")
        {
            Description = "Connection string of the worker's Blob Storage account. With --broker, every artifact " +
                "listed in the job's manifest is downloaded into --output and checked against its SHA-256. Without " +
                $"it, the artifact URIs are printed. Default: the {StorageVariable} variable.",
        };
        ArtifactContainer = new Option<string>("--artifact-container")
        {
            Description = "Blob container of the worker's artifacts, used with --storage-connection-string.",
            DefaultValueFactory = _ => DefaultArtifactContainer,
        };
        Timeout = Durations.CreateOption("--timeout", timeoutDescription);
    }

    public Option<string?> Broker { get; }

    public Option<string> Queue { get; }

    public Option<string?> StorageConnectionString { get; }

    public Option<string> ArtifactContainer { get; }

    public Option<TimeSpan?> Timeout { get; }

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Broker);
        command.Options.Add(Queue);
        command.Options.Add(StorageConnectionString);
        command.Options.Add(ArtifactContainer);
        command.Options.Add(Timeout);
    }

    /// <summary>
    /// Reads the options, falling back to <see cref="BrokerVariable"/> and <see cref="StorageVariable"/> from
    /// <paramref name="environment"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The broker URI is invalid.</exception>
    public ClientSettings Read(ParseResult parse, Func<string, string?> environment)
    {
        string? broker = NullIfBlank(parse.GetValue(Broker)) ?? NullIfBlank(environment(BrokerVariable));
        string? storage = NullIfBlank(parse.GetValue(StorageConnectionString)) ?? NullIfBlank(environment(StorageVariable));
        return new ClientSettings(
            broker is null ? null : BrokerAddress.Parse(broker),
            parse.GetValue(Queue)!,
            queueOptionName,
            storage,
            parse.GetValue(ArtifactContainer)!,
            parse.GetValue(Timeout));
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    // RabbitMQ allows 255 bytes in a queue name, and MassTransit needs a valid URI path segment.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\z", RegexOptions.CultureInvariant)]
    private static partial Regex QueueNamePattern();
}
