using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using Dcgan.Worker.Tests.Infrastructure;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>The worker as deployed: real RabbitMQ, real Azurite, real TorchSharp and real Fashion-MNIST.</summary>
[Collection(BrokerCollection.Name)]
public sealed class WorkerOnRabbitMqTests(BrokerAndStorageFixture servers) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    private static readonly TrainingSettings TinySettings = new()
    {
        ImageSize = 16,
        Channels = 1,
        GeneratorFeatures = 8,
        DiscriminatorFeatures = 8,
        BatchSize = 16,
        MaxSteps = 4,
        CheckpointEvery = 2,
        SampleEvery = 2,
    };

    private readonly string downloads = Directory.CreateTempSubdirectory("dcgan-downloads-").FullName;

    public void Dispose() => Directory.Delete(downloads, recursive: true);

    [Fact]
    public async Task TrainThenGenerate_StoresDecodableArtifacts()
    {
        WorkerNames names = WorkerNames.Unique();
        await using WorkerInstance worker = await WorkerInstance.StartAsync(servers, names);
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        string trainJob = "train-" + Guid.NewGuid().ToString("N");
        string generateJob = "generate-" + Guid.NewGuid().ToString("N");

        await client.SendAsync(new TrainModel
        {
            JobId = trainJob,
            Dataset = DatasetReference.FashionMnist(maxImages: 512),
            Settings = new TrainingSettings
            {
                ImageSize = 32,
                Channels = 1,
                GeneratorFeatures = 16,
                DiscriminatorFeatures = 16,
                BatchSize = 32,
                MaxSteps = 12,
                CheckpointEvery = 5,
                SampleEvery = 5,
            },
        });
        TrainingCompleted trained = await client.WaitForAsync<TrainingCompleted>(
            trainJob,
            e => e.JobId == trainJob,
            JobTimeout);

        trained.Steps.ShouldBe(12);
        float.IsFinite(trained.FinalDiscriminatorLoss).ShouldBeTrue();
        trained.SampleGrids.ShouldNotBeEmpty();
        BlobContainerClient container = Container(names);
        string checkpoint = await DownloadAsync(container, trained.Checkpoint.Path);
        using (DcganGenerator generator = CheckpointFile.LoadGenerator(checkpoint, CPU, out CheckpointInfo info))
        {
            info.Step.ShouldBe(12);
            generator.Config.ImageSize.ShouldBe(32);
        }

        foreach (ArtifactLocation grid in trained.SampleGrids)
        {
            using SKBitmap decoded = SKBitmap.Decode(await DownloadAsync(container, grid.Path));
            decoded.ShouldNotBeNull(grid.Path);
        }

        await AssertManifestMatchesBlobsAsync(container, trained.Manifest.Path);

        await client.SendAsync(new GenerateImages
        {
            JobId = generateJob,
            Model = ModelReference.FromTrainingJob(trainJob),
            Count = 12,
            Seed = 5,
        });
        GenerationCompleted generated = await client.WaitForAsync<GenerationCompleted>(
            generateJob,
            e => e.JobId == generateJob,
            JobTimeout);

        generated.ImageCount.ShouldBe(12);
        var stored = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"jobs/{generateJob}/images/", CancellationToken.None))
        {
            stored.Add(blob.Name);
        }

        stored.Count.ShouldBe(12);
        foreach (string name in stored)
        {
            using SKBitmap image = SKBitmap.Decode(await DownloadAsync(container, name));
            image.Width.ShouldBe(32, name);
            image.Height.ShouldBe(32, name);
        }

        await AssertManifestMatchesBlobsAsync(container, generated.Manifest.Path);
    }

    [Fact]
    public async Task TrainScored_MarksBestCheckpoint()
    {
        WorkerNames names = WorkerNames.Unique();
        await using WorkerInstance worker = await WorkerInstance.StartAsync(servers, names);
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        string job = "scored-" + Guid.NewGuid().ToString("N");
        var command = new TrainModel
        {
            JobId = job,
            Dataset = DatasetReference.FashionMnist(maxImages: 300),
            Settings = new TrainingSettings
            {
                ImageSize = 32,
                Channels = 1,
                GeneratorFeatures = 8,
                DiscriminatorFeatures = 8,
                BatchSize = 30,
                MaxSteps = 30,
                CheckpointEvery = 10,
                SampleEvery = 10,
                EvaluationImages = 200,
            },
        };

        await client.SendAsync(command);
        TrainingCompleted completed = await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job, JobTimeout);
        TrainingProgressed lastProgress = await client.WaitForAsync<TrainingProgressed>(
            job,
            e => e.JobId == job && e.Step == 30,
            TimeSpan.FromSeconds(30));

        BlobContainerClient container = Container(names);
        string manifestFile = await DownloadAsync(container, completed.Manifest.Path);
        using JsonDocument manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(manifestFile));
        GeneratorScore[] scores = manifest.RootElement.GetProperty("scores").Deserialize<GeneratorScore[]>(JsonSerializerOptions.Web)!;
        scores.Select(score => score.Step).ShouldBe([10L, 20L, 30L]);
        scores.ShouldAllBe(score => score.ClassifierVersion == "fashion-mnist-cnn-1" && score.FrechetDistance > 0);
        GeneratorScore lowest = scores.MinBy(score => score.FrechetDistance)!;

        completed.BestScore.ShouldBe(lowest);
        completed.BestCheckpoint.ShouldNotBeNull();
        completed.BestCheckpoint.Path.ShouldBe($"jobs/{job}/checkpoints/best.ckpt");
        JsonElement marked = manifest.RootElement.GetProperty("bestCheckpoint");
        marked.GetProperty("path").GetString().ShouldBe(completed.BestCheckpoint.Path);
        marked.GetProperty("score").GetProperty("step").GetInt64().ShouldBe(lowest.Step);
        string[] listed = [.. manifest.RootElement.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("path").GetString()!)];
        listed.ShouldContain(completed.BestCheckpoint.Path);
        listed.ShouldContain($"jobs/{job}/scores.csv");
        string bestCheckpoint = await DownloadAsync(container, completed.BestCheckpoint.Path);
        CheckpointFile.ReadInfo(bestCheckpoint).Step.ShouldBe(lowest.Step);
        string[] scoreLines = await File.ReadAllLinesAsync(await DownloadAsync(container, $"jobs/{job}/scores.csv"));
        scoreLines.Length.ShouldBe(1 + 3);
        await AssertManifestMatchesBlobsAsync(container, completed.Manifest.Path);

        lastProgress.LatestScore.ShouldBe(scores[^1]);
        foreach (TrainingProgressed progress in client.All<TrainingProgressed>().Where(e => e.JobId == job && e.LatestScore is not null))
        {
            progress.LatestScore!.Step.ShouldBeLessThanOrEqualTo(progress.Step);
            progress.LatestScore.ShouldBe(scores.Single(score => score.Step == progress.LatestScore.Step), $"step {progress.Step}");
        }

        await client.SendAsync(command);
        TrainingCompleted replay = await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job && e.IsReplay, JobTimeout);
        replay.BestScore.ShouldBe(completed.BestScore);
        replay.BestCheckpoint.ShouldBe(completed.BestCheckpoint);
    }

    [Fact]
    public async Task TwoWorkerProcessesOnOneQueue_RunEveryJobOnce()
    {
        WorkerNames names = WorkerNames.Unique();
        await using WorkerProcess first = WorkerProcess.Start(servers, names);
        await using WorkerProcess second = WorkerProcess.Start(servers, names);
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        string[] trainJobs = Enumerable.Range(0, 4).Select(i => $"share-train-{i}-{Guid.NewGuid():N}").ToArray();

        foreach (string job in trainJobs)
        {
            await client.SendAsync(new TrainModel
            {
                JobId = job,
                Dataset = DatasetReference.FashionMnist(maxImages: 128),
                Settings = TinySettings,
            });
        }

        foreach (string job in trainJobs)
        {
            await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job, JobTimeout);
        }

        string[] generateJobs = Enumerable.Range(0, 6).Select(i => $"share-gen-{i}-{Guid.NewGuid():N}").ToArray();
        foreach (string job in generateJobs)
        {
            await client.SendAsync(new GenerateImages
            {
                JobId = job,
                Model = ModelReference.FromTrainingJob(trainJobs[0]),
                Count = 8,
            });
        }

        foreach (string job in generateJobs)
        {
            await client.WaitForAsync<GenerationCompleted>(job, e => e.JobId == job, JobTimeout);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (string job in trainJobs.Concat(generateJobs))
        {
            client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, $"{job} started more than once");
        }

        foreach (string job in trainJobs)
        {
            client.All<TrainingCompleted>().Count(e => e.JobId == job).ShouldBe(1, $"{job} completed more than once");
        }

        foreach (string job in generateJobs)
        {
            client.All<GenerationCompleted>().Count(e => e.JobId == job).ShouldBe(1, $"{job} completed more than once");
        }

        client.All<JobStarted>().Select(e => e.WorkerId).Distinct().Count().ShouldBe(2, first.Output + second.Output);
    }

    [Fact]
    public async Task InvalidCommand_FailsOnceAndWorkerKeepsServing()
    {
        WorkerNames names = WorkerNames.Unique();
        await using WorkerInstance worker = await WorkerInstance.StartAsync(servers, names);
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        string invalidJob = "invalid-" + Guid.NewGuid().ToString("N");
        string validJob = "valid-" + Guid.NewGuid().ToString("N");

        await client.SendAsync(new TrainModel
        {
            JobId = invalidJob,
            Dataset = DatasetReference.FashionMnist(),
            Settings = TinySettings with { ImageSize = 48, Channels = 2 },
        });
        JobFailed failed = await client.WaitForAsync<JobFailed>(invalidJob, e => e.JobId == invalidJob, JobTimeout);

        failed.IsInvalidCommand.ShouldBeTrue();
        failed.Kind.ShouldBe(JobKind.Training);
        string.Join(" ", failed.Errors).ShouldContain("48");
        string.Join(" ", failed.Errors).ShouldContain("Channels 2");

        await client.SendAsync(new TrainModel
        {
            JobId = validJob,
            Dataset = DatasetReference.FashionMnist(maxImages: 128),
            Settings = TinySettings,
        });
        await client.WaitForAsync<TrainingCompleted>(validJob, e => e.JobId == validJob, JobTimeout);

        client.All<JobFailed>().Count(e => e.JobId == invalidJob).ShouldBe(1);
        client.All<JobStarted>().Count(e => e.JobId == invalidJob).ShouldBe(0);
    }

    private BlobContainerClient Container(WorkerNames names) => ArtifactBlobs.Container(servers.Azurite, names);

    private Task<string> DownloadAsync(BlobContainerClient container, string blobName) =>
        ArtifactBlobs.DownloadAsync(container, blobName, downloads);

    private Task AssertManifestMatchesBlobsAsync(BlobContainerClient container, string manifestPath) =>
        ArtifactBlobs.AssertManifestMatchesBlobsAsync(container, manifestPath, downloads);
}
