using System.Diagnostics;
using Azure.Storage.Blobs;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Azurite stops for 30 s in the middle of a job run by a worker process with the default storage retry settings.
/// The job must ride out the outage in the same delivery and store artifacts that match its manifest.
/// </summary>
/// <remarks>
/// Azurite is stopped with SIGTERM, not killed: Azurite 3.37 saves its metadata only every 5 s, so after SIGKILL it
/// loses blobs it had acknowledged, which Azure Storage never does and which no worker could make up for.
/// </remarks>
[Collection(OutageCollection.Name)]
public sealed class StorageOutageTests(BrokerAndStorageFixture servers, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(2);

    private readonly string downloads = Directory.CreateTempSubdirectory("dcgan-outage-downloads-").FullName;

    public void Dispose() => Directory.Delete(downloads, recursive: true);

    [SlowFact]
    public async Task TrainingJob_StorageDown30Seconds_CompletesOnce()
    {
        WorkerNames names = WorkerNames.Unique();
        BlobContainerClient container = ArtifactBlobs.Container(servers.Azurite, names);
        string job = "storage-outage-train-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);

        // When training ends during the outage, the job still needs Azurite for its uploads and its manifest.
        await OutageSteps.StartTrainingAsync(client, container, job, JobTimeout);
        long stepAtStop = LatestStep(client, job);
        long restartedTimestamp =
            await OutageSteps.RunOutageAsync(servers.Azurite.StopAsync, Outage, servers.Azurite.RestartAsync);
        long stepAtRestart = LatestStep(client, job);
        TrainingCompleted completed = await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job, JobTimeout);
        TimeSpan afterRestart = Stopwatch.GetElapsedTime(restartedTimestamp, client.ReceivedTimestamp(completed));
        await Task.Delay(SettleDelay);

        output.WriteLine(
            $"Azurite stopped after progress at step {stepAtStop} of {OutageSteps.TrainingSteps} and started again " +
            $"after progress at step {stepAtRestart}; the job completed {afterRestart.TotalSeconds:F1} s after Azurite " +
            "was running again.");
        afterRestart.ShouldBeGreaterThan(TimeSpan.Zero, "the job completed before Azurite was running again");
        completed.IsReplay.ShouldBeFalse();
        completed.Steps.ShouldBe(OutageSteps.TrainingSteps);
        client.All<TrainingCompleted>().Count(e => e.JobId == job).ShouldBe(1, worker.Output);
        client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, "the job was restarted instead of riding out the outage");
        client.All<JobFailed>().ShouldBeEmpty(worker.Output);
        AssertStorageRetried(worker, job);
        await ArtifactBlobs.AssertManifestMatchesBlobsAsync(container, completed.Manifest.Path, downloads);
    }

    [SlowFact]
    public async Task GenerationJob_StorageDown30Seconds_Completes()
    {
        // Uploading this many 16 × 16 PNGs takes longer than the time to notice the first ones and stop Azurite.
        const int ImageCount = 3000;
        WorkerNames names = WorkerNames.Unique();
        BlobContainerClient container = ArtifactBlobs.Container(servers.Azurite, names);
        string trainJob = "storage-outage-model-" + Guid.NewGuid().ToString("N");
        string job = "storage-outage-generate-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        await client.SendAsync(TinyCommands.Train(trainJob));
        await client.WaitForAsync<TrainingCompleted>(trainJob, e => e.JobId == trainJob, JobTimeout);

        await client.SendAsync(new GenerateImages
        {
            JobId = job,
            Model = ModelReference.FromTrainingJob(trainJob),
            Count = ImageCount,
            Seed = 11,
        });
        await ArtifactBlobs.WaitForBlobsAsync(container, $"jobs/{job}/images/", 100, JobTimeout);

        int storedAtStop = (await ArtifactBlobs.ListAsync(container, $"jobs/{job}/images/")).Count;
        long restartedTimestamp =
            await OutageSteps.RunOutageAsync(servers.Azurite.StopAsync, Outage, servers.Azurite.RestartAsync);
        GenerationCompleted completed = await client.WaitForAsync<GenerationCompleted>(job, e => e.JobId == job, JobTimeout);
        TimeSpan afterRestart = Stopwatch.GetElapsedTime(restartedTimestamp, client.ReceivedTimestamp(completed));
        await Task.Delay(SettleDelay);

        IReadOnlyList<string> images = await ArtifactBlobs.ListAsync(container, $"jobs/{job}/images/");
        output.WriteLine(
            $"Azurite stopped after {storedAtStop} of {ImageCount} images were stored; the job completed " +
            $"{afterRestart.TotalSeconds:F1} s after Azurite was running again.");
        storedAtStop.ShouldBeLessThan(ImageCount, "every image was stored before Azurite stopped");
        afterRestart.ShouldBeGreaterThan(TimeSpan.Zero, "the job completed before Azurite was running again");
        completed.IsReplay.ShouldBeFalse();
        completed.ImageCount.ShouldBe(ImageCount);
        images.Count.ShouldBe(ImageCount);
        client.All<GenerationCompleted>().Count(e => e.JobId == job).ShouldBe(1, worker.Output);
        client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, "the job was restarted instead of riding out the outage");
        client.All<JobFailed>().ShouldBeEmpty(worker.Output);
        AssertStorageRetried(worker, job);
        await ArtifactBlobs.AssertManifestMatchesBlobsAsync(container, completed.Manifest.Path, downloads);
    }

    private static void AssertStorageRetried(WorkerProcess worker, string job) =>
        worker.Output.Split('\n').ShouldContain(
            line => line.Contains($" of jobs/{job}/") && line.Contains(" failed on attempt "),
            "the job made no storage request during the outage");

    private static long LatestStep(EventCollector client, string job) =>
        client.All<TrainingProgressed>().Where(e => e.JobId == job).Select(e => e.Step).DefaultIfEmpty(0).Max();
}
