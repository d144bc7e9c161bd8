using System.Security.Cryptography;
using System.Text;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Storage;

public sealed class LocalFolderArtifactStoreTests : IDisposable
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("checkpoint bytes");

    private readonly TemporaryFolder folder = new();
    private readonly LocalFolderArtifactStore store;

    public LocalFolderArtifactStoreTests()
    {
        store = new LocalFolderArtifactStore(folder.Combine("artifacts"));
    }

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
    public async Task UploadAsync_Content_WritesFileUnderRoot()
    {
        using MemoryStream content = new(Content);

        await store.UploadAsync("jobs/a/losses.csv", content, "text/csv", CancellationToken.None);

        File.ReadAllBytes(folder.Combine("artifacts", "jobs", "a", "losses.csv")).ShouldBe(Content);
    }

    [Fact]
    public async Task UploadAsync_ExistingPath_ReplacesContent()
    {
        await UploadTextAsync("jobs/a/losses.csv", "old, longer content");

        await UploadTextAsync("jobs/a/losses.csv", "new");

        byte[]? read = await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None);
        read.ShouldBe(Encoding.UTF8.GetBytes("new"));
    }

    [Fact]
    public async Task UploadAsync_StreamFailsMidway_LeavesNoFile()
    {
        using FailingStream content = new(Content);

        await Should.ThrowAsync<IOException>(
            () => store.UploadAsync("jobs/a/grid.png", content, "image/png", CancellationToken.None));

        Directory.GetFiles(folder.Combine("artifacts", "jobs", "a")).ShouldBeEmpty();
    }

    [Fact]
    public async Task UploadFileAsync_LocalFile_StoresSameBytes()
    {
        string localFile = folder.Combine("grid.png");
        await File.WriteAllBytesAsync(localFile, Content);

        StoredArtifact stored = await store.UploadFileAsync(
            "jobs/a/grid.png",
            localFile,
            "image/png",
            CancellationToken.None);

        stored.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Content)));
        (await store.TryReadAllBytesAsync("jobs/a/grid.png", CancellationToken.None)).ShouldBe(Content);
    }

    [Fact]
    public async Task TryDownloadToFileAsync_Existing_CopiesContent()
    {
        await UploadTextAsync("jobs/a/losses.csv", "step,loss");
        string localFile = folder.Combine("download", "losses.csv");

        bool found = await store.TryDownloadToFileAsync("jobs/a/losses.csv", localFile, CancellationToken.None);

        found.ShouldBeTrue();
        File.ReadAllText(localFile).ShouldBe("step,loss");
    }

    [Fact]
    public async Task TryDownloadToFileAsync_Missing_ReturnsFalse()
    {
        string localFile = folder.Combine("missing.csv");

        bool found = await store.TryDownloadToFileAsync("jobs/a/losses.csv", localFile, CancellationToken.None);

        found.ShouldBeFalse();
        File.Exists(localFile).ShouldBeFalse();
    }

    [Fact]
    public async Task TryReadAllBytesAsync_Missing_ReturnsNull()
    {
        byte[]? read = await store.TryReadAllBytesAsync("jobs/nothing/manifest.json", CancellationToken.None);

        read.ShouldBeNull();
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsSortedMatches()
    {
        await UploadTextAsync("jobs/a/samples/step-2.png", "2");
        await UploadTextAsync("jobs/a/losses.csv", "l");
        await UploadTextAsync("jobs/a/samples/step-1.png", "1");
        await UploadTextAsync("jobs/ab/losses.csv", "other job");

        IReadOnlyList<string> names = await store.ListAsync("jobs/a/", CancellationToken.None);

        names.ShouldBe(["jobs/a/losses.csv", "jobs/a/samples/step-1.png", "jobs/a/samples/step-2.png"]);
    }

    [Fact]
    public async Task ListAsync_PartialName_MatchesLikeBlobPrefix()
    {
        await UploadTextAsync("jobs/a/losses.csv", "l");
        await UploadTextAsync("jobs/ab/losses.csv", "l");
        await UploadTextAsync("jobs/b/losses.csv", "l");

        IReadOnlyList<string> names = await store.ListAsync("jobs/a", CancellationToken.None);

        names.ShouldBe(["jobs/a/losses.csv", "jobs/ab/losses.csv"]);
    }

    [Fact]
    public async Task ListAsync_WriteInProgress_LeftOut()
    {
        await UploadTextAsync("jobs/a/losses.csv", "l");
        await File.WriteAllTextAsync(folder.Combine("artifacts", "jobs", "a", ".grid.png.0123.tmp"), "partial");

        IReadOnlyList<string> names = await store.ListAsync("jobs/a/", CancellationToken.None);

        names.ShouldBe(["jobs/a/losses.csv"]);
    }

    [Fact]
    public async Task ListAsync_MissingFolder_ReturnsEmpty()
    {
        IReadOnlyList<string> names = await store.ListAsync("jobs/none/", CancellationToken.None);

        names.ShouldBeEmpty();
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesArtifact()
    {
        await UploadTextAsync("jobs/a/losses.csv", "l");

        await store.DeleteAsync("jobs/a/losses.csv", CancellationToken.None);

        (await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task DeleteAsync_Missing_DoesNotThrow()
    {
        await Should.NotThrowAsync(() => store.DeleteAsync("jobs/none/losses.csv", CancellationToken.None));
    }

    [Fact]
    public void GetUri_Path_ReturnsFileUriUnderRoot()
    {
        Uri uri = store.GetUri("jobs/a/grid.png");

        uri.IsFile.ShouldBeTrue();
        uri.LocalPath.ShouldBe(folder.Combine("artifacts", "jobs", "a", "grid.png"));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("jobs/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\outside.txt")]
    [InlineData("file:///etc/passwd")]
    [InlineData("%2e%2e/outside.txt")]
    public async Task UploadAsync_EscapingPath_Rejected(string path)
    {
        using MemoryStream content = new(Content);

        await Should.ThrowAsync<ArgumentException>(
            () => store.UploadAsync(path, content, "text/plain", CancellationToken.None));

        File.Exists(folder.Combine("outside.txt")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("/etc/passwd")]
    public async Task ReadAndDelete_EscapingPath_Rejected(string path)
    {
        await Should.ThrowAsync<ArgumentException>(() => store.TryReadAllBytesAsync(path, CancellationToken.None));
        await Should.ThrowAsync<ArgumentException>(() => store.DeleteAsync(path, CancellationToken.None));
        await Should.ThrowAsync<ArgumentException>(
            () => store.TryDownloadToFileAsync(path, folder.Combine("copy"), CancellationToken.None));
        Should.Throw<ArgumentException>(() => store.GetUri(path));
    }

    [Fact]
    public async Task UploadAsync_ThroughSymbolicLink_Rejected()
    {
        string outside = folder.Combine("outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(folder.Combine("artifacts", "jobs"));
        Directory.CreateSymbolicLink(folder.Combine("artifacts", "jobs", "a"), outside);
        using MemoryStream content = new(Content);

        ArgumentException exception = await Should.ThrowAsync<ArgumentException>(
            () => store.UploadAsync("jobs/a/grid.png", content, "image/png", CancellationToken.None));

        exception.Message.ShouldContain("symbolic link");
        Directory.GetFiles(outside).ShouldBeEmpty();
    }

    [Fact]
    public async Task ListAsync_SymbolicLinkToOutside_NotFollowed()
    {
        string outside = folder.Combine("outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "secret");
        await UploadTextAsync("jobs/a/losses.csv", "l");
        Directory.CreateSymbolicLink(folder.Combine("artifacts", "jobs", "a", "linked"), outside);

        IReadOnlyList<string> names = await store.ListAsync("jobs/", CancellationToken.None);

        names.ShouldBe(["jobs/a/losses.csv"]);
    }

    private async Task UploadTextAsync(string path, string text)
    {
        using MemoryStream content = new(Encoding.UTF8.GetBytes(text));
        await store.UploadAsync(path, content, "text/plain", CancellationToken.None);
    }

    /// <summary>Stream that returns its content once, then fails as a broken connection would.</summary>
    private sealed class FailingStream(byte[] content) : MemoryStream(content)
    {
        private bool failed;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (failed)
            {
                throw new IOException("Connection reset while reading the upload.");
            }

            failed = true;
            return await base.ReadAsync(buffer, cancellationToken);
        }
    }
}
