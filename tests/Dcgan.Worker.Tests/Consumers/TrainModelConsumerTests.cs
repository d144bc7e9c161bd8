using System.Security.Cryptography;
using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using Dcgan.Worker.Storage;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace Dcgan.Worker.Tests.Consumers;

[Collection(TrainingCollection.Name)]
public sealed class TrainModelConsumerTests(TrainedModelFixture fixture)
{
    private const string JobId = TrainedModelFixture.JobId;

    private WorkerHarness Worker => fixture.Worker;

    [Fact]
    public void Train_PublishesStartedFromStepZero()
    {
        fixture.Started.Kind.ShouldBe(JobKind.Training);
        fixture.Started.StartStep.ShouldBe(0);
        fixture.Started.WorkerId.ShouldBe($"{Environment.MachineName}-{Environment.ProcessId}");
    }

    [Fact]
    public void Train_PublishesCompletedWithFigures()
    {
        TrainingCompleted completed = fixture.Completed;
        completed.IsReplay.ShouldBeFalse();
        completed.Steps.ShouldBe(6);
        completed.Epochs.ShouldBe(1);
        float.IsFinite(completed.FinalDiscriminatorLoss).ShouldBeTrue();
        float.IsFinite(completed.FinalGeneratorLoss).ShouldBeTrue();
        completed.ImagesPerSecond.ShouldBeGreaterThan(0);
        completed.Duration.ShouldBeGreaterThan(TimeSpan.Zero);
        completed.Checkpoint.Path.ShouldBe($"jobs/{JobId}/checkpoints/final.ckpt");
        completed.Manifest.Path.ShouldBe($"jobs/{JobId}/manifest.json");
        completed.LossHistory!.Path.ShouldBe($"jobs/{JobId}/losses.csv");
        completed.LossPlot!.Path.ShouldBe($"jobs/{JobId}/losses.png");
        completed.SampleGrids.Select(grid => grid.Path).ShouldBe(
            [$"jobs/{JobId}/samples/step-00000003.png", $"jobs/{JobId}/samples/step-00000006.png"]);
        completed.Checkpoint.Uri.ShouldBe(new Uri(Worker.LocalPath(completed.Checkpoint.Path)));
    }

    [Fact]
    public void Train_PublishesProgressForEachStep()
    {
        List<TrainingProgressed> progress = Worker.PublishedSoFar<TrainingProgressed>(message => message.JobId == JobId);

        // A zero interval publishes as fast as the bus accepts events. Figures that a newer step replaces while the
        // previous publish is in flight are dropped, so steps can be missing but never repeat or go back.
        progress.ShouldNotBeEmpty();
        progress.Select(message => message.Step).ShouldBeInOrder(SortDirection.Ascending);
        progress.Select(message => message.Step).ShouldBeUnique();
        progress[^1].Step.ShouldBe(6);
        progress.ShouldAllBe(message => message.TotalSteps == 6 && message.Epoch == 1 && message.TotalEpochs == 1);
    }

    [Fact]
    public async Task Train_ManifestListsEveryArtifactWithHash()
    {
        JobManifest manifest = (await ReadManifestAsync(JobId))!;

        manifest.Kind.ShouldBe(JobKind.Training);
        manifest.Steps.ShouldBe(6);
        manifest.Artifacts.Select(entry => entry.Path).ShouldBe(
        [
            $"jobs/{JobId}/checkpoints/final.ckpt",
            $"jobs/{JobId}/checkpoints/step-00000003.ckpt",
            $"jobs/{JobId}/losses.csv",
            $"jobs/{JobId}/losses.png",
            $"jobs/{JobId}/samples/step-00000003.png",
            $"jobs/{JobId}/samples/step-00000006.png",
        ]);
        foreach (ManifestEntry entry in manifest.Artifacts)
        {
            byte[] content = await File.ReadAllBytesAsync(Worker.LocalPath(entry.Path));
            entry.Size.ShouldBe(content.Length, entry.Path);
            entry.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(content)), entry.Path);
        }

        foreach (ManifestEntry entry in manifest.Artifacts)
        {
            string expected = Path.GetExtension(entry.Path) switch
            {
                ".png" => "image/png",
                ".csv" => "text/csv",
                _ => "application/octet-stream",
            };
            entry.ContentType.ShouldBe(expected, entry.Path);
        }
    }

    [Fact]
    public void Train_FinalCheckpointLoads()
    {
        using DcganGenerator generator = CheckpointFile.LoadGenerator(
            Worker.LocalPath(fixture.Completed.Checkpoint.Path),
            torch.CPU,
            out CheckpointInfo info);

        info.Step.ShouldBe(6);
        generator.Config.ImageSize.ShouldBe(TinyCommands.ImageSize);
        generator.Config.GeneratorFeatures.ShouldBe(TinyCommands.Features);
    }

    [Fact]
    public void Train_LogsStartAndFinishWithJobId()
    {
        List<string> messages = [.. Worker.Logs.Entries.Select(entry => entry.Message)];

        messages.ShouldContain(message => message.StartsWith($"Training job {JobId} started", StringComparison.Ordinal));
        messages.ShouldContain(message => message.StartsWith($"Training job {JobId} completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Train_SameJobIdReplaysWithoutTraining()
    {
        string checkpoint = Worker.LocalPath(fixture.Completed.Checkpoint.Path);
        byte[] checkpointBefore = await File.ReadAllBytesAsync(checkpoint);
        DateTime writtenBefore = File.GetLastWriteTimeUtc(checkpoint);

        await Worker.SendAsync(TinyCommands.Train(JobId));
        TrainingCompleted replay = await Worker.WaitForPublishedAsync<TrainingCompleted>(
            message => message.JobId == JobId && message.IsReplay);

        replay.Steps.ShouldBe(fixture.Completed.Steps);
        replay.FinalGeneratorLoss.ShouldBe(fixture.Completed.FinalGeneratorLoss);
        replay.Checkpoint.ShouldBe(fixture.Completed.Checkpoint);
        replay.SampleGrids.ShouldBe(fixture.Completed.SampleGrids);
        Worker.PublishedSoFar<JobStarted>(message => message.JobId == JobId).Count.ShouldBe(1);
        (await File.ReadAllBytesAsync(checkpoint)).ShouldBe(checkpointBefore);
        File.GetLastWriteTimeUtc(checkpoint).ShouldBe(writtenBefore);
    }

    private Task<JobManifest?> ReadManifestAsync(string jobId) =>
        Worker.Services.GetRequiredService<JobManifestStore>().TryReadAsync(Worker.Store, jobId, CancellationToken.None);
}
