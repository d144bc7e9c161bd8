using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Worker processes that die or are stopped in the middle of a training job, on real RabbitMQ and Azurite. The
/// command must return to the queue and a second worker process must finish it from a stored checkpoint.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class FaultTests(BrokerAndStorageFixture servers, ITestOutputHelper output) : IDisposable
{
    // About 20 s of training on a shared 2-core machine (measured). A stopped worker keeps training for its consumer
    // grace period, 10% of the default 60 s ShutdownTimeout, so MaxSteps must leave room for 6 s more of steps.
    private const long MaxSteps = 4000;
    private const int CheckpointEvery = 500;

    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(2);

    private readonly string downloads = Directory.CreateTempSubdirectory("dcgan-fault-downloads-").FullName;

    public void Dispose() => Directory.Delete(downloads, recursive: true);

    [Fact]
    public async Task WorkerKilled_JobResumesFromStoredCheckpoint()
    {
        var testClock = Stopwatch.StartNew();
        WorkerNames names = WorkerNames.Unique();
        BlobContainerClient container = Container(names);
        string job = "killed-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess first = WorkerProcess.Start(servers, names);

        await client.SendAsync(Command(job, Settings(CheckpointEvery)));
        TrainingProgressed before = await client.WaitForAsync<TrainingProgressed>(
            job,
            e => e.JobId == job && e.Step > 2 * CheckpointEvery,
            JobTimeout);
        await ArtifactBlobs.WaitForStepCheckpointAsync(container, job, JobTimeout);
        await first.KillAsync();

        // SIGKILL stops uploads at once, so the stored checkpoints are fixed from here on.
        IReadOnlyList<long> stored = await ArtifactBlobs.StepCheckpointsAsync(container, job);
        output.WriteLine($"Killed after progress at step {before.Step}; stored step checkpoints: {string.Join(", ", stored)}");
        stored.ShouldNotBeEmpty();
        stored.Max().ShouldBeLessThan(MaxSteps, "the first worker finished training before it was killed");

        await using WorkerProcess second = WorkerProcess.Start(servers, names);
        TrainingCompleted completed = await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job, JobTimeout);
        await Task.Delay(SettleDelay);

        List<JobStarted> starts = [.. client.All<JobStarted>().Where(e => e.JobId == job)];
        output.WriteLine($"Start steps: {string.Join(", ", starts.Select(e => e.StartStep))}; test took {testClock.Elapsed.TotalSeconds:F1} s");
        starts.Count.ShouldBe(2, first.Output + second.Output);
        starts[0].StartStep.ShouldBe(0);
        starts[1].StartStep.ShouldBeGreaterThan(0);
        starts[1].StartStep.ShouldBe(stored.Max(), "the second worker did not resume from the newest stored checkpoint");
        starts[1].WorkerId.ShouldNotBe(starts[0].WorkerId);
        completed.Steps.ShouldBe(MaxSteps);
        completed.IsReplay.ShouldBeFalse();
        client.All<TrainingCompleted>().Count(e => e.JobId == job).ShouldBe(1, $"{job} completed more than once");

        string checkpoint = await DownloadAsync(container, completed.Checkpoint.Path);
        using DcganGenerator generator = CheckpointFile.LoadGenerator(checkpoint, CPU, out CheckpointInfo info);
        info.Step.ShouldBe(MaxSteps);
    }

    [Fact]
    public async Task WorkerTerminated_SavesCheckpointAndReturnsJob()
    {
        const long MinimumStopStep = 500;
        var testClock = Stopwatch.StartNew();
        WorkerNames names = WorkerNames.Unique();
        BlobContainerClient container = Container(names);
        string job = "terminated-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess first = WorkerProcess.Start(servers, names);

        // The interval exceeds MaxSteps, so only the stop writes a step checkpoint.
        await client.SendAsync(Command(job, Settings(checkpointEvery: 100_000)));
        TrainingProgressed before = await client.WaitForAsync<TrainingProgressed>(
            job,
            e => e.JobId == job && e.Step >= MinimumStopStep,
            JobTimeout);
        var stopClock = Stopwatch.StartNew();
        int exitCode = await first.TerminateAsync();
        TimeSpan stopTime = stopClock.Elapsed;

        IReadOnlyList<long> stored = await ArtifactBlobs.StepCheckpointsAsync(container, job);
        output.WriteLine(
            $"SIGTERM after progress at step {before.Step}; exit code {exitCode} after {stopTime.TotalSeconds:F1} s; " +
            $"stored step checkpoints: {string.Join(", ", stored)}");
        exitCode.ShouldBe(0, first.Output);
        stopTime.ShouldBeLessThan(StopTimeout, first.Output);
        stored.Count.ShouldBe(1, first.Output);
        stored[0].ShouldBeGreaterThanOrEqualTo(before.Step);
        stored[0].ShouldBeLessThan(MaxSteps, "the first worker finished training before it was stopped");

        await using WorkerProcess second = WorkerProcess.Start(servers, names);
        TrainingCompleted completed = await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job, JobTimeout);
        await Task.Delay(SettleDelay);

        List<JobStarted> starts = [.. client.All<JobStarted>().Where(e => e.JobId == job)];
        output.WriteLine($"Start steps: {string.Join(", ", starts.Select(e => e.StartStep))}; test took {testClock.Elapsed.TotalSeconds:F1} s");
        starts.Count.ShouldBe(2, second.Output);
        starts[0].StartStep.ShouldBe(0);
        starts[1].StartStep.ShouldBe(stored[0], "the second worker did not resume from the checkpoint written on SIGTERM");
        completed.Steps.ShouldBe(MaxSteps);
        client.All<TrainingCompleted>().Count(e => e.JobId == job).ShouldBe(1, $"{job} completed more than once");

        await AssertManifestMatchesBlobsAsync(container, completed.Manifest.Path);
    }

    private static TrainingSettings Settings(int checkpointEvery) => new()
    {
        ImageSize = 16,
        Channels = 1,
        GeneratorFeatures = 8,
        DiscriminatorFeatures = 8,
        BatchSize = 16,
        MaxSteps = MaxSteps,
        CheckpointEvery = checkpointEvery,
        SampleEvery = 100_000,
    };

    private static TrainModel Command(string job, TrainingSettings settings) => new()
    {
        JobId = job,
        Dataset = DatasetReference.FashionMnist(maxImages: 256),
        Settings = settings,
    };

    private BlobContainerClient Container(WorkerNames names) => ArtifactBlobs.Container(servers.Azurite, names);

    private Task<string> DownloadAsync(BlobContainerClient container, string blobName) =>
        ArtifactBlobs.DownloadAsync(container, blobName, downloads);

    private Task AssertManifestMatchesBlobsAsync(BlobContainerClient container, string manifestPath) =>
        ArtifactBlobs.AssertManifestMatchesBlobsAsync(container, manifestPath, downloads);
}
