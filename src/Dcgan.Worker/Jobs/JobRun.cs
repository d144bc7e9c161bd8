using Dcgan.Contracts;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// One delivery of a job running on this worker: its cancellation token, which fires when the worker stops or a
/// <see cref="CancelJob"/> names the job, and the training step it reached.
/// </summary>
internal sealed class JobRun : IDisposable
{
    private readonly CancellationTokenSource cancellation;
    private volatile string? cancelReason;
    private long step;

    public JobRun(string jobId, JobKind kind, CancellationToken deliveryToken)
    {
        JobId = jobId;
        Kind = kind;
        cancellation = CancellationTokenSource.CreateLinkedTokenSource(deliveryToken);
        Token = cancellation.Token;
    }

    public string JobId { get; }

    public JobKind Kind { get; }

    /// <summary>Fires when the delivery is cancelled (the worker stops) or the job is cancelled.</summary>
    public CancellationToken Token { get; }

    /// <summary>The reason of the cancel command, or null while the job is not cancelled.</summary>
    public string? CancelReason => cancelReason;

    /// <summary>The last training step reported by <see cref="ReportStep"/>; 0 for generation.</summary>
    public long Step => Interlocked.Read(ref step);

    public void ReportStep(long reached) => Interlocked.Exchange(ref step, reached);

    /// <summary>Cancels the job with <paramref name="reason"/>; a later call keeps the first reason.</summary>
    public void Cancel(string reason)
    {
        Interlocked.CompareExchange(ref cancelReason, reason, null);
        cancellation.Cancel();
    }

    public void Dispose() => cancellation.Dispose();
}
