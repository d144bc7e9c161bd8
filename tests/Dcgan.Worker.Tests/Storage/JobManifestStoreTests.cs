using System.Text;
using System.Text.Json;
using Dcgan.Contracts;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Storage;

public sealed class JobManifestStoreTests : IDisposable
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);

    private readonly TemporaryFolder folder = new();
    private readonly LocalFolderArtifactStore store;
    private readonly JobManifestStore manifests = new();

    public JobManifestStoreTests()
    {
        store = new LocalFolderArtifactStore(folder.Path);
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task WriteAsync_Manifest_RoundTrips()
    {
        JobManifest written = await CreateTrainingManifestAsync("job-1");

        await manifests.WriteAsync(store, written, CancellationToken.None);
        JobManifest? read = await manifests.TryReadAsync(store, "job-1", CancellationToken.None);

        read.ShouldNotBeNull();
        read.JobId.ShouldBe("job-1");
        read.Kind.ShouldBe(JobKind.Training);
        read.Status.ShouldBe(JobManifest.CompletedStatus);
        read.CreatedAt.ShouldBe(CreatedAt);
        read.Steps.ShouldBe(1500);
        read.FinalGeneratorLoss.ShouldBe(2.5);
        read.DurationSeconds.ShouldBe(61.5);
        read.Artifacts.ShouldBe(written.Artifacts);
        read.Command!.Value.GetProperty("jobId").GetString().ShouldBe("job-1");
    }

    [Fact]
    public async Task WriteAsync_Manifest_StoredAsCamelCaseJson()
    {
        await manifests.WriteAsync(store, await CreateTrainingManifestAsync("job-1"), CancellationToken.None);

        byte[]? json = await store.TryReadAllBytesAsync("jobs/job-1/manifest.json", CancellationToken.None);

        json.ShouldNotBeNull();
        using JsonDocument document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("jobId").GetString().ShouldBe("job-1");
        document.RootElement.GetProperty("kind").GetString().ShouldBe("training");
        document.RootElement.GetProperty("status").GetString().ShouldBe("completed");
        document.RootElement.GetProperty("artifacts")[0].GetProperty("sha256").GetString()!.Length.ShouldBe(64);
        document.RootElement.TryGetProperty("imageCount", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task WriteAsync_Manifest_ReturnsStoredManifest()
    {
        JobManifest manifest = await CreateTrainingManifestAsync("job-1");

        StoredArtifact stored = await manifests.WriteAsync(store, manifest, CancellationToken.None);

        stored.Path.ShouldBe("jobs/job-1/manifest.json");
        stored.ContentType.ShouldBe("application/json");
    }

    [Fact]
    public async Task WriteAsync_ArtifactNotStored_Rejected()
    {
        JobManifest manifest = await CreateTrainingManifestAsync("job-1");
        manifest = manifest with
        {
            Artifacts =
            [
                .. manifest.Artifacts,
                new ManifestEntry("jobs/job-1/grid.png", "image/png", 10, new string('0', 64)),
            ],
        };

        InvalidOperationException exception = await Should.ThrowAsync<InvalidOperationException>(
            () => manifests.WriteAsync(store, manifest, CancellationToken.None));

        exception.Message.ShouldContain("'jobs/job-1/grid.png'");
        (await store.TryReadAllBytesAsync("jobs/job-1/manifest.json", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task WriteAsync_ArtifactOfOtherJob_Rejected()
    {
        StoredArtifact other = await UploadAsync("jobs/job-2/losses.csv", "step,loss");
        JobManifest manifest = await CreateTrainingManifestAsync("job-1");
        manifest = manifest with { Artifacts = [ManifestEntry.FromStored(other)] };

        await Should.ThrowAsync<ArgumentException>(() => manifests.WriteAsync(store, manifest, CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_Scores_StoredWithBestCheckpoint()
    {
        StoredArtifact best = await UploadAsync(ArtifactPaths.Job("job-1", ArtifactPaths.BestCheckpoint), "weights");
        JobManifest manifest = await CreateTrainingManifestAsync("job-1");
        GeneratorScore[] scores = [Score(500, 40.5), Score(1000, 12.25), Score(1500, 20.0)];
        manifest = manifest with
        {
            Artifacts = [.. manifest.Artifacts, ManifestEntry.FromStored(best)],
            Scores = scores,
            BestCheckpoint = new BestCheckpointEntry(best.Path, scores[1]),
        };

        await manifests.WriteAsync(store, manifest, CancellationToken.None);
        JobManifest? read = await manifests.TryReadAsync(store, "job-1", CancellationToken.None);
        byte[]? json = await store.TryReadAllBytesAsync("jobs/job-1/manifest.json", CancellationToken.None);

        read.ShouldNotBeNull();
        read.Scores.ShouldBe(scores);
        read.BestCheckpoint.ShouldBe(new BestCheckpointEntry("jobs/job-1/checkpoints/best.ckpt", scores[1]));
        using JsonDocument document = JsonDocument.Parse(json!);
        JsonElement marked = document.RootElement.GetProperty("bestCheckpoint");
        marked.GetProperty("path").GetString().ShouldBe("jobs/job-1/checkpoints/best.ckpt");
        marked.GetProperty("score").GetProperty("step").GetInt64().ShouldBe(1000);
        marked.GetProperty("score").GetProperty("frechetDistance").GetDouble().ShouldBe(12.25);
        document.RootElement.GetProperty("scores").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task WriteAsync_Unscored_OmitsScoreFields()
    {
        await manifests.WriteAsync(store, await CreateTrainingManifestAsync("job-1"), CancellationToken.None);

        byte[]? json = await store.TryReadAllBytesAsync("jobs/job-1/manifest.json", CancellationToken.None);

        using JsonDocument document = JsonDocument.Parse(json!);
        document.RootElement.TryGetProperty("scores", out _).ShouldBeFalse();
        document.RootElement.TryGetProperty("bestCheckpoint", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task WriteAsync_BestCheckpointNotListed_Rejected()
    {
        JobManifest manifest = await CreateTrainingManifestAsync("job-1");
        manifest = manifest with
        {
            BestCheckpoint = new BestCheckpointEntry("jobs/job-1/checkpoints/best.ckpt", Score(500, 40.5)),
        };

        ArgumentException exception = await Should.ThrowAsync<ArgumentException>(
            () => manifests.WriteAsync(store, manifest, CancellationToken.None));

        exception.Message.ShouldContain("'jobs/job-1/checkpoints/best.ckpt' as its best checkpoint");
        (await store.TryReadAllBytesAsync("jobs/job-1/manifest.json", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task TryReadAsync_NoManifest_ReturnsNull()
    {
        JobManifest? read = await manifests.TryReadAsync(store, "job-9", CancellationToken.None);

        read.ShouldBeNull();
    }

    [Fact]
    public async Task TryReadAsync_CorruptManifest_ThrowsInvalidData()
    {
        await UploadAsync("jobs/job-1/manifest.json", "{ not json");

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => manifests.TryReadAsync(store, "job-1", CancellationToken.None));

        exception.Message.ShouldContain("jobs/job-1/manifest.json");
    }

    [Fact]
    public async Task TryReadAsync_InvalidJobId_Rejected()
    {
        await Should.ThrowAsync<ArgumentException>(() => manifests.TryReadAsync(store, "../job", CancellationToken.None));
    }

    [Fact]
    public void ManifestEntry_FromStored_CopiesEveryField()
    {
        StoredArtifact stored = new("jobs/a/grid.png", "image/png", 42, new string('a', 64));

        ManifestEntry entry = ManifestEntry.FromStored(stored);

        entry.ShouldBe(new ManifestEntry("jobs/a/grid.png", "image/png", 42, new string('a', 64)));
    }

    private async Task<JobManifest> CreateTrainingManifestAsync(string jobId)
    {
        StoredArtifact checkpoint = await UploadAsync(ArtifactPaths.Job(jobId, "checkpoints/final.ckpt"), "weights");
        StoredArtifact losses = await UploadAsync(ArtifactPaths.Job(jobId, ArtifactPaths.LossHistoryCsv), "step,loss");
        TrainModel command = new() { JobId = jobId, Dataset = DatasetReference.FashionMnist(maxImages: 100) };
        return new JobManifest
        {
            JobId = jobId,
            Kind = JobKind.Training,
            CreatedAt = CreatedAt,
            Command = JsonSerializer.SerializeToElement(command, JsonSerializerOptions.Web),
            Steps = 1500,
            Epochs = 2,
            FinalDiscriminatorLoss = 0.75,
            FinalGeneratorLoss = 2.5,
            DurationSeconds = 61.5,
            ImagesPerSecond = 1600,
            Artifacts = [ManifestEntry.FromStored(checkpoint), ManifestEntry.FromStored(losses)],
        };
    }

    private static GeneratorScore Score(long step, double frechetDistance) => new()
    {
        Step = step,
        FrechetDistance = frechetDistance,
        Precision = 0.5,
        Recall = 0.25,
        ClassifierVersion = "fashion-mnist-cnn-1",
    };

    private async Task<StoredArtifact> UploadAsync(string path, string text)
    {
        using MemoryStream content = new(Encoding.UTF8.GetBytes(text));
        return await store.UploadAsync(path, content, "application/octet-stream", CancellationToken.None);
    }
}
