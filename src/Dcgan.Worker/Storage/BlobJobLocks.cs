using Azure;
using Dcgan.Worker.Jobs;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Job locks as blob leases on "locks/{jobId}" in the artifact container. The holder renews its lease while the job
/// runs, so a lease that stays taken for longer than one lease period belongs to a live worker, and one that expires
/// belonged to a worker that died.
/// </summary>
internal sealed partial class BlobJobLocks(ResilientBlobContainer container, TimeProvider time, ILogger logger) : IJobLocks
{
    /// <summary>
    /// Lease period, the shortest that Azure allows (15 to 60 s), so the next worker resumes soon after a crash.
    /// Renewing every third of it survives two failed renewals.
    /// </summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan RenewInterval = LeaseDuration / 3;
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    public async Task<IAsyncDisposable?> TryAcquireAsync(string jobId, CancellationToken cancellationToken)
    {
        string name = ArtifactPaths.JobLock(jobId);
        string leaseId = Guid.NewGuid().ToString();
        long start = time.GetTimestamp();

        // A live holder renews before its lease ends, so a lease still taken after one lease period and one renewal
        // interval belongs to a live worker.
        while (!await container.TryAcquireLeaseAsync(name, leaseId, LeaseDuration, cancellationToken))
        {
            if (time.GetElapsedTime(start) > LeaseDuration + RenewInterval)
            {
                return null;
            }

            await Task.Delay(RetryInterval, time, cancellationToken);
        }

        return new HeldLease(container, time, logger, jobId, name, leaseId);
    }

    private sealed class HeldLease : IAsyncDisposable
    {
        private readonly ResilientBlobContainer container;
        private readonly TimeProvider time;
        private readonly ILogger logger;
        private readonly string jobId;
        private readonly string name;
        private readonly string leaseId;
        private readonly CancellationTokenSource stop = new();
        private readonly Task renewing;

        public HeldLease(
            ResilientBlobContainer container,
            TimeProvider time,
            ILogger logger,
            string jobId,
            string name,
            string leaseId)
        {
            this.container = container;
            this.time = time;
            this.logger = logger;
            this.jobId = jobId;
            this.name = name;
            this.leaseId = leaseId;
            renewing = RenewUntilStoppedAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await renewing;
            stop.Dispose();
            using var timeout = new CancellationTokenSource(ReleaseTimeout, time);
            try
            {
                await container.ReleaseLeaseAsync(name, leaseId, timeout.Token);
            }
            catch (Exception exception)
            {
                // The lease then expires by itself, and the next delivery of the job waits for that.
                LogReleaseFailed(logger, exception, jobId);
            }
        }

        private async Task RenewUntilStoppedAsync()
        {
            using var timer = new PeriodicTimer(RenewInterval, time);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    try
                    {
                        await container.RenewLeaseAsync(name, leaseId, stop.Token);
                    }
                    catch (RequestFailedException exception) when (exception.Status == 409)
                    {
                        LogLost(logger, exception, jobId);
                        return;
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        // Storage is down; the lease can still be renewed when it returns, unless another worker
                        // took it meanwhile.
                        LogRenewFailed(logger, exception, jobId);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Disposed: the job has ended.
            }
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Job {JobId} could not renew its lock; the job goes on and renewal is tried again")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "Job {JobId} lost its lock to another worker after its lease expired, so both may run the job")]
    private static partial void LogLost(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Job {JobId} could not release its lock, so the next delivery waits until the lease expires")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string jobId);
}
