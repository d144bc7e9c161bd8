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
