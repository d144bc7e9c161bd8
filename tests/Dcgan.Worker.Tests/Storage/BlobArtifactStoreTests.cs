using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Dcgan.Contracts;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class BlobArtifactStoreTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("generator weights, more or less");

    private readonly TemporaryFolder folder = new();
    private BlobArtifactStore store = null!;

    public async Task InitializeAsync() =>
        store = await BlobStores.CreateAsync(BlobStores.CreateOptions(azurite.ConnectionString));

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task UploadAsync_Content_ReturnsSizeAndSha256()
    {
        using MemoryStream content = new(Content);

        StoredArtifact stored = await store.UploadAsync(
            "jobs/a/checkpoints/final.ckpt",
            content,
            "application/octet-stream",
            CancellationToken.None);

        stored.Path.ShouldBe("jobs/a/checkpoints/final.ckpt");
        stored.ContentType.ShouldBe("application/octet-stream");
        stored.Size.ShouldBe(Content.Length);
        stored.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Content)));
    }

    [Fact]
    public async Task UploadAsync_Content_SetsBlobProperties()
    {
        using MemoryStream content = new(Content);
        await store.UploadAsync("jobs/a/grid.png", content, "image/png", CancellationToken.None);

        BlobClient blob = store.ArtifactContainer.GetBlobClient("jobs/a/grid.png");
        BlobProperties properties = (await blob.GetPropertiesAsync()).Value;

        properties.ContentType.ShouldBe("image/png");
        properties.ContentLength.ShouldBe(Content.Length);
        properties.ContentHash.ShouldBe(MD5.HashData(Content));
        properties.Metadata[BlobArtifactStore.Sha256MetadataKey]
            .ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Content)));
    }

    [Fact]
    public async Task UploadAsync_Content_RoundTripsBytes()
    {
        using MemoryStream content = new(Content);
        await store.UploadAsync("jobs/a/losses.csv", content, "text/csv", CancellationToken.None);

        byte[]? read = await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None);

        read.ShouldBe(Content);
    }

    [Fact]
    public async Task UploadAsync_StreamNotAtStart_StoresRemainder()
    {
        using MemoryStream content = new(Content) { Position = 10 };

        StoredArtifact stored = await store.UploadAsync("jobs/a/losses.csv", content, "text/csv", CancellationToken.None);

        stored.Size.ShouldBe(Content.Length - 10);
        (await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None)).ShouldBe(Content[10..]);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStream_StoresContent()
    {
        using NonSeekableStream content = new(Content);

        StoredArtifact stored = await store.UploadAsync("jobs/a/losses.csv", content, "text/csv", CancellationToken.None);

        stored.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Content)));
        (await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None)).ShouldBe(Content);
    }

    [Fact]
    public async Task UploadAsync_ExistingBlob_ReplacesContent()
    {
        using (MemoryStream first = new(Encoding.UTF8.GetBytes("first, longer version")))
        {
            await store.UploadAsync("jobs/a/losses.csv", first, "text/csv", CancellationToken.None);
        }

        using MemoryStream second = new(Encoding.UTF8.GetBytes("second"));
        await store.UploadAsync("jobs/a/losses.csv", second, "text/csv", CancellationToken.None);

        byte[]? read = await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None);
        read.ShouldBe(Encoding.UTF8.GetBytes("second"));
    }

    [Fact]
    public async Task UploadFileAsync_LargeFile_RoundTrips()
    {
        byte[] large = RandomNumberGenerator.GetBytes(9 * 1024 * 1024);
        string localFile = folder.Combine("large.ckpt");
        await File.WriteAllBytesAsync(localFile, large);

        StoredArtifact stored = await store.UploadFileAsync(
            "jobs/a/checkpoints/final.ckpt",
            localFile,
            "application/octet-stream",
            CancellationToken.None);

        stored.Size.ShouldBe(large.Length);
        stored.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(large)));
        string downloaded = folder.Combine("downloaded.ckpt");
        bool found = await store.TryDownloadToFileAsync(
            "jobs/a/checkpoints/final.ckpt",
            downloaded,
            CancellationToken.None);
        found.ShouldBeTrue();
        (await File.ReadAllBytesAsync(downloaded)).ShouldBe(large);
    }

    [Fact]
    public async Task TryDownloadToFileAsync_Missing_ReturnsFalse()
    {
        string localFile = folder.Combine("missing.ckpt");

        bool found = await store.TryDownloadToFileAsync("jobs/a/checkpoints/final.ckpt", localFile, CancellationToken.None);

        found.ShouldBeFalse();
        File.Exists(localFile).ShouldBeFalse();
    }

    [Fact]
    public async Task TryReadAllBytesAsync_Missing_ReturnsNull()
    {
        byte[]? read = await store.TryReadAllBytesAsync("jobs/a/manifest.json", CancellationToken.None);

        read.ShouldBeNull();
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsSortedMatches()
    {
        string[] paths =
        [
            "jobs/a/samples/step-2.png",
            "jobs/a/losses.csv",
            "jobs/ab/losses.csv",
            "jobs/a/samples/step-1.png",
        ];
        foreach (string path in paths)
        {
            using MemoryStream content = new(Content);
            await store.UploadAsync(path, content, "application/octet-stream", CancellationToken.None);
        }

        IReadOnlyList<string> names = await store.ListAsync("jobs/a/", CancellationToken.None);

        names.ShouldBe(["jobs/a/losses.csv", "jobs/a/samples/step-1.png", "jobs/a/samples/step-2.png"]);
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesBlob()
    {
        using MemoryStream content = new(Content);
        await store.UploadAsync("jobs/a/losses.csv", content, "text/csv", CancellationToken.None);

        await store.DeleteAsync("jobs/a/losses.csv", CancellationToken.None);

        (await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None)).ShouldBeNull();
        (await store.ListAsync("jobs/a/", CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task DeleteAsync_Missing_DoesNotThrow()
    {
        await Should.NotThrowAsync(() => store.DeleteAsync("jobs/a/losses.csv", CancellationToken.None));
    }

    [Fact]
    public void GetUri_Path_ReturnsBlobUrl()
    {
        Uri uri = store.GetUri("jobs/a/grid.png");

        uri.ToString().ShouldBe($"{azurite.Server.BlobEndpoint}/{store.ArtifactContainer.Name}/jobs/a/grid.png");
    }

    [Fact]
    public async Task GetUri_SasConnectionString_OmitsToken()
    {
        BlobArtifactStore sasStore =
            await BlobStores.CreateAsync(BlobStores.CreateOptions(azurite.Server.SasConnectionString()));
        using MemoryStream content = new(Content);
        await sasStore.UploadAsync("jobs/a/grid.png", content, "image/png", CancellationToken.None);

        Uri uri = sasStore.GetUri("jobs/a/grid.png");

        sasStore.ArtifactContainer.Uri.Query.ShouldContain("sig=");
        uri.Query.ShouldBeEmpty();
        uri.ToString().ShouldBe($"{azurite.Server.BlobEndpoint}/{sasStore.ArtifactContainer.Name}/jobs/a/grid.png");
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("http://evil/x")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    public async Task UploadAsync_InvalidPath_Rejected(string path)
    {
        using MemoryStream content = new(Content);

        await Should.ThrowAsync<ArgumentException>(
            () => store.UploadAsync(path, content, "text/plain", CancellationToken.None));
    }

    [Fact]
    public async Task EnsureContainersAsync_NewContainers_ArePrivate()
    {
        BlobContainerAccessPolicy artifactPolicy = (await store.ArtifactContainer.GetAccessPolicyAsync()).Value;
        BlobContainerAccessPolicy datasetPolicy = (await store.DatasetContainer.GetAccessPolicyAsync()).Value;

        artifactPolicy.BlobPublicAccess.ShouldBe(PublicAccessType.None);
        datasetPolicy.BlobPublicAccess.ShouldBe(PublicAccessType.None);
    }

    [Fact]
    public async Task EnsureContainersAsync_NewContainers_RejectAnonymousReads()
    {
        using MemoryStream content = new(Content);
        await store.UploadAsync("jobs/a/grid.png", content, "image/png", CancellationToken.None);
        BlobClient anonymous = new(
            store.GetUri("jobs/a/grid.png"),
            new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));

        RequestFailedException exception = await Should.ThrowAsync<RequestFailedException>(
            () => anonymous.DownloadContentAsync());

        exception.Status.ShouldBeOneOf(403, 404);
    }

    [Fact]
    public async Task EnsureContainersAsync_SecondCall_Succeeds()
    {
        await Should.NotThrowAsync(() => store.EnsureContainersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task JobManifestStore_BlobStore_RoundTripsManifest()
    {
        using MemoryStream content = new(Content);
        StoredArtifact grid = await store.UploadAsync("jobs/gen-1/grid.png", content, "image/png", CancellationToken.None);
        JobManifest manifest = new()
        {
            JobId = "gen-1",
            Kind = JobKind.Generation,
            CreatedAt = DateTimeOffset.UnixEpoch,
            ImageCount = 64,
            ImagesPerSecond = 900,
            DurationSeconds = 0.2,
            Artifacts = [ManifestEntry.FromStored(grid)],
        };
        JobManifestStore manifests = new();

        await manifests.WriteAsync(store, manifest, CancellationToken.None);
        JobManifest? read = await manifests.TryReadAsync(store, "gen-1", CancellationToken.None);

        read.ShouldNotBeNull();
        read.Kind.ShouldBe(JobKind.Generation);
        read.ImageCount.ShouldBe(64);
        read.Artifacts.ShouldBe(manifest.Artifacts);
    }

    /// <summary>Stream that can only be read forward once, like a network response.</summary>
    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
