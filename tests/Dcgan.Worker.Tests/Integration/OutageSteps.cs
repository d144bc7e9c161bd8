using System.Diagnostics;
using Azure.Storage.Blobs;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>Steps shared by the tests that stop RabbitMQ or Azurite under a running worker.</summary>
internal static class OutageSteps
{
    /// <summary>
    /// Steps of the training job in an outage: 2 to 10 minutes of training on the shared 2-core VM (measured).
    /// A checkpoint every 100 steps keeps uploads going while training runs.
    /// </summary>
    public const long TrainingSteps = 3000;

    /// <summary>
    /// Sends a tiny training command of <see cref="TrainingSteps"/> steps and waits until it has reported progress
    /// and stored a step checkpoint, so an outage from here on hits a running job.
    /// </summary>
    public static async Task StartTrainingAsync(
        EventCollector client,
        BlobContainerClient container,
        string job,
        TimeSpan timeout)
    {
        await client.SendAsync(TinyCommands.Train(job, TrainingSteps) with
        {
            Settings = TinyCommands.Settings(TrainingSteps) with { CheckpointEvery = 100, SampleEvery = 500 },
        });
        await client.WaitForAsync<TrainingProgressed>(job, e => e.JobId == job && e.Step > 100, timeout);
        await ArtifactBlobs.WaitForStepCheckpointAsync(container, job, timeout);
    }

    /// <summary>
    /// Stops a server, keeps it down for <paramref name="outage"/>, starts it again and returns the
    /// <see cref="Stopwatch"/> timestamp at which it is running again. The server is started again even when the
    /// test fails meanwhile.
    /// </summary>
    public static async Task<long> RunOutageAsync(Func<Task> stop, TimeSpan outage, Func<Task> start)
    {
        await stop();
        try
        {
            await Task.Delay(outage);
        }
        finally
        {
            await start();
        }

        return Stopwatch.GetTimestamp();
    }
}
