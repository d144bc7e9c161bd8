using Dcgan.Contracts;
using Dcgan.Worker.Hosting;
using Dcgan.Worker.Storage;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>
/// The worker as <see cref="WorkerServiceCollectionExtensions.AddDcganWorker"/> registers it, on the MassTransit
/// in-memory test harness, with a local folder store and work folder under <paramref name="root"/>.
/// </summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    /// <summary>Maximum wait for one event. Tiny training runs take seconds on two shared cores.</summary>
    public static readonly TimeSpan EventTimeout = TimeSpan.FromMinutes(3);

    private readonly ServiceProvider provider;
    private bool stopped;

    private WorkerHarness(ServiceProvider provider, string artifactsRoot, CapturedLogs logs)
    {
        this.provider = provider;
        ArtifactsRoot = artifactsRoot;
        Logs = logs;
        Harness = provider.GetRequiredService<ITestHarness>();
        Store = provider.GetRequiredService<IArtifactStore>();
    }

    public ITestHarness Harness { get; }

    public IArtifactStore Store { get; }

    /// <summary>Root folder of the local artifact store.</summary>
    public string ArtifactsRoot { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => provider;

    /// <summary>Starts a worker, with <paramref name="settings"/> overriding the test defaults below.</summary>
    public static async Task<WorkerHarness> StartAsync(
        string root,
        IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? time = null)
    {
        string artifactsRoot = Path.Combine(root, "artifacts");
        Dictionary<string, string?> values = new()
        {
            ["Dcgan:Storage:LocalRoot"] = artifactsRoot,
            ["Dcgan:Storage:LocalDatasets"] = Path.Combine(root, "datasets"),
            ["Dcgan:WorkDirectory"] = Path.Combine(root, "work"),
            ["Dcgan:Device"] = "cpu",
            ["Dcgan:ProgressInterval"] = "00:00:00",
            ["Dcgan:ShutdownTimeout"] = "00:00:20",
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddDcganWorker(configuration);
        services.AddMassTransitTestHarness(bus => bus.SetTestTimeouts(EventTimeout, EventTimeout));
        ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);

        // The host validates options when it starts but the harness does not, so validate here the same way.
        provider.GetRequiredService<IStartupValidator>().Validate();
        var worker = new WorkerHarness(provider, artifactsRoot, logs);
        await worker.Harness.Start();
        return worker;
    }

    /// <summary>Sends a training command to the worker's training queue, as another service would.</summary>
    public Task SendAsync(TrainModel command) => SendAsync(command, "queue:dcgan-train");

    /// <summary>Sends a generation command to the worker's generation queue.</summary>
    public Task SendAsync(GenerateImages command) => SendAsync(command, "queue:dcgan-generate");

    /// <summary>Waits for the first published <typeparamref name="T"/> that matches, and fails the test on timeout.</summary>
    public async Task<T> WaitForPublishedAsync<T>(Func<T, bool> match)
        where T : class
    {
        using var timeout = new CancellationTokenSource(EventTimeout);
        await foreach (IPublishedMessage<T> published in Harness.Published.SelectAsync<T>(
            message => match(message.Context.Message),
            timeout.Token))
        {
            return published.Context.Message;
        }

        throw new TimeoutException(
            $"No {typeof(T).Name} was published within {EventTimeout}. Worker log:{Environment.NewLine}{Logs.Describe()}");
    }

    /// <summary>
    /// Waits until the consumers have finished with <paramref name="count"/> commands that match, and fails the test
    /// on timeout. A consume counts once the consumer returns, after the events it published.
    /// </summary>
    public async Task WaitForConsumedAsync<T>(Func<T, bool> match, int count = 1)
        where T : class
    {
        using var timeout = new CancellationTokenSource(EventTimeout);
        int seen = 0;
        await foreach (IReceivedMessage<T> _ in Harness.Consumed.SelectAsync<T>(
            message => match(message.Context.Message),
            timeout.Token))
        {
            if (++seen == count)
            {
                return;
            }
        }

        throw new TimeoutException(
            $"{seen} of {count} {typeof(T).Name} commands were consumed within {EventTimeout}. Worker log:" +
            $"{Environment.NewLine}{Logs.Describe()}");
    }

    /// <summary>Returns the published <typeparamref name="T"/> events that match, without waiting.</summary>
    public List<T> PublishedSoFar<T>(Func<T, bool> match)
        where T : class =>
        [.. Harness.Published.Select<T>(new CancellationToken(canceled: true))
            .Select(message => message.Context.Message)
            .Where(match)];

    /// <summary>Returns how often the consumers received <typeparamref name="T"/> commands that match, without waiting.</summary>
    public int ConsumedSoFar<T>(Func<T, bool> match)
        where T : class =>
        Harness.Consumed.Select<T>(new CancellationToken(canceled: true)).Count(message => match(message.Context.Message));

    /// <summary>Full path of a store artifact in the local folder.</summary>
    public string LocalPath(string artifactPath) => Path.Combine(ArtifactsRoot, artifactPath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Stops the bus as a stopping host does: running consumers are cancelled after the grace period.</summary>
    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await Harness.Stop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await provider.DisposeAsync();
    }

    private async Task SendAsync<T>(T command, string queue)
        where T : class
    {
        ISendEndpoint endpoint = await Harness.Bus.GetSendEndpoint(new Uri(queue));
        await endpoint.Send(command);
    }
}
