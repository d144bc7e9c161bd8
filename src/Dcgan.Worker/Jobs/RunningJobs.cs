using System.Collections.Concurrent;
using Dcgan.Contracts;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// The jobs running on this worker, and the jobs cancelled recently, so that a <see cref="CancelJob"/> can stop a
/// running job and a delivery that arrives just after its cancel does not start.
/// </summary>
internal sealed class RunningJobs(TimeProvider time)
{
    // Long enough to cover the time between a cancel and the stored cancellation record being readable by every
    // worker; the stored record covers everything later.
    private static readonly TimeSpan CancellationMemory = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, JobRun> running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Reason, DateTimeOffset At)> cancelled = new(StringComparer.Ordinal);

    /// <summary>Registers a delivery of <paramref name="jobId"/>, or returns null when one already runs here.</summary>
    public JobRun? TryStart(string jobId, JobKind kind, CancellationToken deliveryToken)
    {
        var run = new JobRun(jobId, kind, deliveryToken);
        if (running.TryAdd(jobId, run))
        {
            return run;
        }

        run.Dispose();
        return null;
    }

    /// <summary>Removes a delivery registered by <see cref="TryStart"/>.</summary>
    public void Finish(JobRun run) => running.TryRemove(new KeyValuePair<string, JobRun>(run.JobId, run));

    /// <summary>
    /// Remembers that <paramref name="jobId"/> is cancelled and stops it if it runs here. Returns true when it ran here.
    /// </summary>
    public bool Cancel(string jobId, string reason)
    {
        DateTimeOffset now = time.GetUtcNow();
        foreach ((string id, (string _, DateTimeOffset at)) in cancelled)
        {
            if (now - at > CancellationMemory)
            {
                cancelled.TryRemove(id, out _);
            }
        }

        cancelled[jobId] = (reason, now);
        if (!running.TryGetValue(jobId, out JobRun? run))
        {
            return false;
        }

        run.Cancel(reason);
        return true;
    }

    /// <summary>Forgets a cancel of <paramref name="jobId"/>, for a job that had finished before it.</summary>
    public void ForgetCancellation(string jobId) => cancelled.TryRemove(jobId, out _);

    /// <summary>The reason of a cancel this worker received for <paramref name="jobId"/>, or null.</summary>
    public string? CancellationReason(string jobId) =>
        cancelled.TryGetValue(jobId, out (string Reason, DateTimeOffset At) entry) ? entry.Reason : null;
}
