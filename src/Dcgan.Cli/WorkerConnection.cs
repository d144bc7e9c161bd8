using MassTransit;

namespace Dcgan.Cli;

/// <summary>
/// The bus a command sends its job on: the bus of the worker hosted in this process, or a client bus on the broker
/// of remote workers. Stopping an embedded connection stops the worker, so a running training job stores a
/// checkpoint. Stopping a broker connection leaves the job running on its worker.
/// </summary>
internal sealed class WorkerConnection : IAsyncDisposable
{
    private readonly EmbeddedWorker? worker;
    private readonly IBusControl? client;
    private bool stopped;

    private WorkerConnection(EmbeddedWorker? worker, IBusControl? client)
    {
        this.worker = worker;
        this.client = client;
    }

    public IBus Bus => worker?.Bus ?? client!;

    /// <summary>True when the worker runs in this process.</summary>
    public bool IsEmbedded => worker is not null;

    /// <summary>Opens the connection the settings ask for: embedded with <paramref name="embeddedSettings"/>, or the broker.</summary>
    public static async Task<WorkerConnection> OpenAsync(
        ClientSettings client,
        IReadOnlyDictionary<string, string?> embeddedSettings,
        CancellationToken cancellationToken)
    {
        return client.Broker is null
            ? new WorkerConnection(await EmbeddedWorker.StartAsync(embeddedSettings, cancellationToken), null)
            : new WorkerConnection(null, await BrokerBus.StartAsync(client.Broker, cancellationToken));
    }

    /// <summary>Stops the embedded worker or the client bus. Later calls do nothing.</summary>
    public async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        if (worker is not null)
        {
            await worker.DisposeAsync();
        }

        if (client is not null)
        {
            await client.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
