using Dcgan.Contracts;
using Dcgan.Worker.Jobs;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Consumers;

/// <summary>
/// Consumer of <see cref="GenerateImages"/>: validates the command and runs the generation job. Failures, including
/// an unknown model, are handled by <see cref="JobRunner"/>.
/// </summary>
internal sealed class GenerateImagesConsumer(
    CommandValidator validator,
    JobRunner runner,
    GenerationJob job,
    TimeProvider time,
    ILogger<GenerateImagesConsumer> logger) : IConsumer<GenerateImages>
{
    public async Task Consume(ConsumeContext<GenerateImages> context)
    {
        GenerateImages command = context.Message;
        using IDisposable? scope = JobRunner.BeginJobScope(logger, command.JobId);
        long? messageBytes = context.ReceiveContext.Body.Length;
        if (!validator.TryValidate(command, messageBytes, out GenerationRequest? request, out IReadOnlyList<string> errors))
        {
            string reason = CommandValidator.Summarize("generation", errors);
            await JobRunner.RejectAsync(context, command.JobId, JobKind.Generation, reason, errors, time, logger);
            return;
        }

        await runner.RunAsync(
            context,
            request.JobId,
            JobKind.Generation,
            run => job.RunAsync(request, context, run.Token));
    }
}
