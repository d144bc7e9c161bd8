using System.Text;
using Dcgan.Contracts;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Consumers;

/// <summary>
/// Consumer of <see cref="CancelJob"/> on a queue of this worker's own: stops the job if it runs here, and stores a
/// cancellation record unless the job has finished, so that no worker starts it later. The worker that ran the job
/// publishes <see cref="JobCancelled"/> once it has stopped.
/// </summary>
internal sealed partial class CancelJobConsumer(
    RunningJobs running,
    JobCancellations cancellations,
    JobManifestStore manifests,
    IArtifactStore store,
    TimeProvider time,
    ILogger<CancelJobConsumer> logger) : IConsumer<CancelJob>
{
    /// <summary>Longest reason kept, in characters; a longer one is cut.</summary>
    public const int MaxReasonLength = 500;

    private const string DefaultReason = "cancelled by request";

    public async Task Consume(ConsumeContext<CancelJob> context)
    {
        CancelJob command = context.Message;
        if (!ArtifactPaths.TryValidateJobId(command.JobId, out string? error))
        {
            LogInvalid(logger, JobRunner.Printable(command.JobId), error);
            return;
        }

        string jobId = command.JobId;
        string reason = CleanReason(command.Reason);
        if (running.Cancel(jobId, reason))
        {
            LogStopping(logger, jobId, WorkerIdentity.WorkerId, reason);
        }

        if (await manifests.TryReadAsync(store, jobId, context.CancellationToken) is not null)
        {
            // Its command sent again must publish the stored result, not a cancellation.
            running.ForgetCancellation(jobId);
            LogAlreadyFinished(logger, jobId);
            return;
        }

        await cancellations.WriteAsync(jobId, reason, time.GetUtcNow(), context.CancellationToken);
    }

    // The reason is repeated in events and logs, so it is kept short and on one line.
    private static string CleanReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return DefaultReason;
        }

        var builder = new StringBuilder(Math.Min(reason.Length, MaxReasonLength));
        foreach (char c in reason.Trim().AsSpan(0, Math.Min(reason.Trim().Length, MaxReasonLength)))
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancel command ignored for job {JobId}: {Error}")]
    private static partial void LogInvalid(ILogger logger, string jobId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} is stopping on {WorkerId} because it was cancelled: {Reason}")]
    private static partial void LogStopping(ILogger logger, string jobId, string workerId, string reason);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Cancel command for job {JobId} ignored because the job has finished; its results stay")]
    private static partial void LogAlreadyFinished(ILogger logger, string jobId);
}
