
namespace Dcgan.Worker.Hosting;

/// <summary>
/// How <see cref="WorkerOptions.ShutdownTimeout"/> is split while the worker stops. Running consumers get
/// <see cref="ConsumerGracePeriod"/> to finish before their cancellation token fires. A training job then has
/// <see cref="CheckpointUploadTimeout"/> to store its checkpoint. The bus waits <see cref="BusStopTimeout"/> in all,
/// and the host waits <see cref="HostShutdownTimeout"/>.
/// </summary>
internal sealed record ShutdownBudget(
    TimeSpan ConsumerGracePeriod,
    TimeSpan CheckpointUploadTimeout,
    TimeSpan BusStopTimeout,
    TimeSpan HostShutdownTimeout)
{
    /// <summary>Splits <paramref name="shutdownTimeout"/>: 10% grace, 70% upload, bus stop at 90%.</summary>
    public static ShutdownBudget From(TimeSpan shutdownTimeout) =>
        new(
            ConsumerGracePeriod: shutdownTimeout * 0.1,
            CheckpointUploadTimeout: shutdownTimeout * 0.7,
            BusStopTimeout: shutdownTimeout * 0.9,
            HostShutdownTimeout: shutdownTimeout);
}
