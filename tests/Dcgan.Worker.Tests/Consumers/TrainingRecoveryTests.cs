using System.Globalization;
using Dcgan.Contracts;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using Dcgan.Worker.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.Time.Testing;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>Training that continues from a stored checkpoint: after a crash, a stopping worker or a time slice.</summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainingRecoveryTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Resume_ContinuesFromStoredCheckpoint()
    {
        const string jobId = "resume-from-3";
        WorkerHarness worker = fixture.Worker;
        string checkpoint = TrainThreeStepsWithEngine();
        string stored = worker.LocalPath($"jobs/{jobId}/checkpoints/step-00000003.ckpt");
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        File.Copy(checkpoint, stored);

        await worker.SendAsync(TinyCommands.Train(jobId, maxSteps: 6));
        TrainingCompleted completed = await worker.WaitForPublishedAsync<TrainingCompleted>(message => message.JobId == jobId);

        worker.PublishedSoFar<JobStarted>(message => message.JobId == jobId).ShouldHaveSingleItem().StartStep.ShouldBe(3);
        completed.Steps.ShouldBe(6);
        worker.PublishedSoFar<TrainingProgressed>(message => message.JobId == jobId).ShouldAllBe(message => message.Step > 3);

        // Same seed, data and settings: steps 4 to 6 after the resume repeat the uninterrupted run exactly.
        completed.FinalDiscriminatorLoss.ShouldBe(fixture.Completed.FinalDiscriminatorLoss);
        completed.FinalGeneratorLoss.ShouldBe(fixture.Completed.FinalGeneratorLoss);
    }

    [Fact]
    public async Task Stop_StoresCheckpointThenResumes()
    {
        const string jobId = "stopped-worker";
        long stoppedAt;
        await using (WorkerHarness worker = await WorkerHarness.StartAsync(folder.Path))
        {
            await worker.SendAsync(TinyCommands.Train(jobId, maxSteps: 100_000));
            await worker.WaitForPublishedAsync<TrainingProgressed>(message => message.JobId == jobId);

            await worker.StopAsync();

            string[] checkpoints = Directory.GetFiles(worker.LocalPath($"jobs/{jobId}/checkpoints"), "step-*.ckpt");
            stoppedAt = checkpoints.Select(StepOf).Max();
            stoppedAt.ShouldBeGreaterThan(0);
            worker.PublishedSoFar<JobFailed>(message => message.JobId == jobId).ShouldBeEmpty();
            worker.PublishedSoFar<Fault<TrainModel>>(fault => fault.Message.JobId == jobId).ShouldBeEmpty();
            worker.PublishedSoFar<TrainingCompleted>(message => message.JobId == jobId).ShouldBeEmpty();
            worker.Logs.Entries.ShouldContain(entry => entry.Message.Contains("the command returns to the queue", StringComparison.Ordinal));
        }

        // A new worker on the same store, given the command again as the broker would redeliver it.
        await using (WorkerHarness worker = await WorkerHarness.StartAsync(folder.Path))
        {
            await worker.SendAsync(TinyCommands.Train(jobId, maxSteps: stoppedAt + 2));
            TrainingCompleted completed = await worker.WaitForPublishedAsync<TrainingCompleted>(message => message.JobId == jobId);

            worker.PublishedSoFar<JobStarted>(message => message.JobId == jobId).ShouldHaveSingleItem().StartStep.ShouldBe(stoppedAt);
            completed.Steps.ShouldBe(stoppedAt + 2);
        }
    }

    [Fact]
    public async Task Slice_EndsWithCheckpointAndContinues()
    {
        const string jobId = "sliced";
        const long maxSteps = 300;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using WorkerHarness worker = await WorkerHarness.StartAsync(
            folder.Path,
            new Dictionary<string, string?> { ["Dcgan:TrainingSlice"] = "00:01:00" },
            time);

        await worker.SendAsync(TinyCommands.Train(jobId, maxSteps));
        await worker.WaitForPublishedAsync<TrainingProgressed>(message => message.JobId == jobId);
        time.Advance(TimeSpan.FromMinutes(2));
        TrainingCompleted completed = await worker.WaitForPublishedAsync<TrainingCompleted>(message => message.JobId == jobId);

        List<JobStarted> started = worker.PublishedSoFar<JobStarted>(message => message.JobId == jobId);
        started.Count.ShouldBe(2, worker.Logs.Describe());
        started[0].StartStep.ShouldBe(0);
        started[1].StartStep.ShouldBeInRange(1, maxSteps - 1);
        completed.Steps.ShouldBe(maxSteps);
        await worker.WaitForConsumedAsync<TrainModel>(message => message.JobId == jobId, count: 2);
        worker.Harness.Sent.Select<TrainModel>(new CancellationToken(canceled: true))
            .Count(sent => sent.Context.Message.JobId == jobId)
            .ShouldBe(2, "the test's command and the worker's continuation");
    }

    private static long StepOf(string checkpointPath) =>
        long.Parse(Path.GetFileNameWithoutExtension(checkpointPath)["step-".Length..], CultureInfo.InvariantCulture);

    /// <summary>
    /// Trains three steps with the engine alone, with the configuration the worker builds from
    /// <see cref="TinyCommands.Settings"/> and its defaults, and returns the final checkpoint.
    /// </summary>
    private string TrainThreeStepsWithEngine()
    {
        var config = new TrainingConfig
        {
            Model = new ModelConfig
            {
                ImageSize = TinyCommands.ImageSize,
                Channels = 1,
                GeneratorFeatures = TinyCommands.Features,
                DiscriminatorFeatures = TinyCommands.Features,
            },
            BatchSize = TinyCommands.BatchSize,
            MaxSteps = 3,
            CheckpointEvery = 3,
            SampleEvery = 3,
            Seed = TinyCommands.Seed,
            Device = "cpu",
        };
        ImageData images = IdxReader.ReadImages(FashionMnist.Locate(null).TrainImages, TinyCommands.Images);
        TrainingResult result = new DcganTrainer(TimeProvider.System).Train(config, images, folder.Combine("engine-run"));
        return result.FinalCheckpointPath;
    }
}
