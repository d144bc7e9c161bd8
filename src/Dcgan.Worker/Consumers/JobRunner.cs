using System.Text;
using Dcgan.Contracts;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Consumers;

/// <summary>
/// Runs a job for a consumer and decides the delivery's fate from how it ends. A delivery of a job that is cancelled,
/// or that another delivery runs at the moment, is acknowledged without running. An invalid command is acknowledged
/// after a <see cref="JobFailed"/> event, a cancelled job after <see cref="JobCancelled"/>. A cancelled delivery
/// returns the command to the queue: MassTransit cancels it when the worker stops and when the channel it came on
/// closes, such as in a broker restart. Any other failure publishes <see cref="JobFailed"/> and is rethrown, so
/// MassTransit moves the command to the _error queue.
/// </summary>
internal sealed partial class JobRunner(
    RunningJobs running,
    IJobLocks locks,
    JobCancellations cancellations,
    TimeProvider time,
    ILogger<JobRunner> logger)
{
    private const int MaxLoggedIdLength = 80;

    // An invalid id can be as long as the message, and JobFailed must stay far below the broker's max_message_size.
    private const int MaxEchoedIdLength = 256;

    /// <summary>Opens a logging scope that adds the JobId property to every entry of one command.</summary>
    public static IDisposable? BeginJobScope(ILogger logger, string? jobId) =>
        logger.BeginScope(new Dictionary<string, object> { ["JobId"] = Printable(jobId) });

    /// <summary>
    /// Runs <paramref name="job"/> with the job's <see cref="JobRun"/>, whose token fires when the worker stops or the
    /// job is cancelled, and handles the outcome as described for this class.
    /// </summary>
    public async Task RunAsync(ConsumeContext context, string jobId, JobKind kind, Func<JobRun, Task> job)
    {
        using JobRun? run = running.TryStart(jobId, kind, context.CancellationToken);
        if (run is null)
        {
            LogAlreadyRunningHere(logger, kind, jobId);
            return;
        }

        try
        {
            string? cancelled = running.CancellationReason(jobId)
                ?? await cancellations.TryReadReasonAsync(jobId, run.Token);
            if (cancelled is not null)
            {
                run.Cancel(cancelled);
                await PublishCancelledAsync(context, run);
                return;
            }

            await using IAsyncDisposable? jobLock = await locks.TryAcquireAsync(jobId, run.Token);
            if (jobLock is null)
            {
                LogRunningElsewhere(logger, kind, jobId);
                return;
            }

            await job(run);
        }
        catch (InvalidJobException exception)
        {
            await RejectAsync(context, jobId, kind, exception.Message, exception.Errors, time, logger);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            LogReturnedToQueue(logger, kind, jobId);
            throw;
        }
        catch (OperationCanceledException) when (run.CancelReason is not null)
        {
            await PublishCancelledAsync(context, run);
        }
        catch (Exception exception)
        {
            await PublishFailureAsync(context, jobId, kind, exception, time, logger);
            throw;
        }
        finally
        {
            running.Finish(run);
        }
    }

    private async Task PublishCancelledAsync(ConsumeContext context, JobRun run)
    {
        LogCancelled(logger, run.Kind, run.JobId, run.Step, run.CancelReason!);
        await context.Publish(
            new JobCancelled
            {
                JobId = run.JobId,
                Kind = run.Kind,
                Reason = run.CancelReason!,
                StoppedAtStep = run.Step,
                WorkerId = WorkerIdentity.WorkerId,
                CancelledAt = time.GetUtcNow(),
            },
            context.CancellationToken);
    }

    /// <summary>
    /// Logs and publishes the rejection of a command that cannot succeed as sent. The delivery is then acknowledged,
    /// because sending it again unchanged fails again.
    /// </summary>
    public static async Task RejectAsync(
        ConsumeContext context,
        string? jobId,
        JobKind kind,
        string reason,
        IReadOnlyList<string> errors,
        TimeProvider time,
        ILogger logger)
    {
        LogRejected(logger, Printable(jobId), kind, errors.Count, string.Join(" ", errors));
        await context.Publish(
            new JobFailed
            {
                JobId = jobId is { Length: > MaxEchoedIdLength } ? jobId[..MaxEchoedIdLength] : jobId ?? string.Empty,
                Kind = kind,
                Reason = reason,
                Errors = errors,
                IsInvalidCommand = true,
                FailedAt = time.GetUtcNow(),
            },
            context.CancellationToken);
    }

    // A failure to publish is logged and does not hide the original exception, which the caller rethrows.
    private static async Task PublishFailureAsync(
        ConsumeContext context,
        string jobId,
        JobKind kind,
        Exception exception,
        TimeProvider time,
        ILogger logger)
    {
        LogFailed(logger, exception, jobId, kind);
        try
        {
            await context.Publish(
                new JobFailed
                {
                    JobId = jobId,
                    Kind = kind,
                    Reason = $"The {kind.ToString().ToLowerInvariant()} job failed on worker {WorkerIdentity.WorkerId}: " +
                        FirstLine(exception.Message),
                    IsInvalidCommand = false,
                    FailedAt = time.GetUtcNow(),
                },
                context.CancellationToken);
        }
        catch (Exception publishException)
        {
            LogPublishFailed(logger, publishException, jobId);
        }
    }

    // Native torch errors append a C++ stack trace to the first line, which is not fit to show a user.
    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end].TrimEnd();
    }

    /// <summary>Returns a job id as received, shortened and with control characters replaced, for log entries.</summary>
    public static string Printable(string? jobId)
    {
        if (jobId is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder();
        foreach (char c in jobId.Length > MaxLoggedIdLength ? jobId[..MaxLoggedIdLength] : jobId)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Kind} job {JobId} rejected as invalid ({ErrorCount} problems, not retried): {Errors}")]
    private static partial void LogRejected(ILogger logger, string jobId, JobKind kind, int errorCount, string errors);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "{Kind} job {JobId} failed, so the command goes to the error queue")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId, JobKind kind);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Kind} job {JobId} stopped because its delivery was cancelled, as when the worker stops or loses its " +
            "broker connection, so the command returns to the queue")]
    private static partial void LogReturnedToQueue(ILogger logger, JobKind kind, string jobId);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "{Kind} job {JobId} already runs on this worker, so this delivery of its command is dropped")]
    private static partial void LogAlreadyRunningHere(ILogger logger, JobKind kind, string jobId);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "{Kind} job {JobId} runs on another worker, so this delivery of its command is dropped")]
    private static partial void LogRunningElsewhere(ILogger logger, JobKind kind, string jobId);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "{Kind} job {JobId} cancelled at step {Step}: {Reason}")]
    private static partial void LogCancelled(ILogger logger, JobKind kind, string jobId, long step, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} could not publish its JobFailed event")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string jobId);
}
