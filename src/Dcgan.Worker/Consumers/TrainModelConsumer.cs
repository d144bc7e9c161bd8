using Dcgan.Contracts;
using Dcgan.Worker.Jobs;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Consumers;

/// <summary>
/// Consumer of <see cref="TrainModel"/>: validates the command and runs the training job. A job whose time slice
/// ended is sent to its queue again to continue from the stored checkpoint. Failures are handled by
/// <see cref="JobRunner"/>.
/// </summary>
internal sealed partial class TrainModelConsumer(
    CommandValidator validator,
    JobRunner runner,
    TrainingJob job,
    TimeProvider time,
    ILogger<TrainModelConsumer> logger) : IConsumer<TrainModel>
{
    public async Task Consume(ConsumeContext<TrainModel> context)
    {
        TrainModel command = context.Message;
        using IDisposable? scope = JobRunner.BeginJobScope(logger, command.JobId);
        long? messageBytes = context.ReceiveContext.Body.Length;
        if (!validator.TryValidate(command, messageBytes, out TrainingRequest? request, out IReadOnlyList<string> errors))
        {
            string reason = CommandValidator.Summarize("training", errors);
            await JobRunner.RejectAsync(context, command.JobId, JobKind.Training, reason, errors, time, logger);
            return;
        }

        TrainingOutcome outcome = TrainingOutcome.NotRun;
        await runner.RunAsync(
            context,
            request.JobId,
            JobKind.Training,
            async run => outcome = await job.RunAsync(request, context, run.Token, run.ReportStep));

        // Sent once this delivery has released the job's lock, so the next delivery can take it.
        if (outcome == TrainingOutcome.SliceEnded)
        {
            ISendEndpoint queue = await context.GetSendEndpoint(context.ReceiveContext.InputAddress);
            await queue.Send(command, context.CancellationToken);
            LogContinued(logger, request.JobId, context.ReceiveContext.InputAddress);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Training job {JobId} reached the end of its time slice and was sent to {Queue} to continue from its checkpoint")]
    private static partial void LogContinued(ILogger logger, string jobId, Uri queue);
}
