using System.Text;
using Dcgan.Contracts;
using Dcgan.Engine.Data;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class DatasetFetcherBlobTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private readonly TemporaryFolder work = new();
    private BlobArtifactStore store = null!;
    private DatasetFetcher fetcher = null!;

    public async Task InitializeAsync()
    {
        store = await BlobStores.CreateAsync(BlobStores.CreateOptions(azurite.ConnectionString));
        fetcher = new DatasetFetcher(store.Datasets, Options.Create(new DatasetLimits()), new TestLogger<DatasetFetcher>());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => work.Dispose();

    [Fact]
    public async Task FetchAsync_MixedPrefix_DownloadsImages()
    {
        await UploadAsync("sketches/2026/a.png", DatasetFiles.Png(10));
        await UploadAsync("sketches/2026/b.PNG", DatasetFiles.Png(20));
        await UploadAsync("sketches/2026/more/c.png", DatasetFiles.Png(30));
        await UploadAsync("sketches/2026/notes.txt", Encoding.UTF8.GetBytes("not an image"));
        await UploadAsync("sketches/2025/d.png", DatasetFiles.Png(40));

        string folder = await fetcher.FetchAsync(Prefix("sketches/2026/"), work.Path, CancellationToken.None);

        DatasetFiles.List(folder).ShouldBe(["a.png", "b.PNG", "more/c.png"]);
    }

    [Fact]
    public async Task FetchAsync_Prefix_LoaderReadsImages()
    {
        await UploadAsync("faces/a.png", DatasetFiles.Png(10));
        await UploadAsync("faces/b.png", DatasetFiles.Png(200));
        await UploadAsync("faces/c.png", DatasetFiles.Png(90));

        string folder = await fetcher.FetchAsync(Prefix("faces/"), work.Path, CancellationToken.None);
        ImageFolderResult loaded = ImageFolderLoader.Load(folder, imageSize: 8, channels: 1);

        loaded.ImagePaths.Count.ShouldBe(3);
        loaded.UnreadableImages.ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_ZipWithImages_ExtractsOnlyImages()
    {
        byte[] zip = DatasetFiles.Zip(
            ("set/", []),
            ("set/a.png", DatasetFiles.Png(10)),
            ("set/nested/b.jpeg.PNG", DatasetFiles.Png(20)),
            ("set/readme.txt", Encoding.UTF8.GetBytes("text")),
            ("__MACOSX/set/._a.png", [0, 5, 22, 7]));
        await UploadAsync("uploads/sketches.zip", zip);

        string folder = await fetcher.FetchAsync(Zip("uploads/sketches.zip"), work.Path, CancellationToken.None);

        DatasetFiles.List(folder).ShouldBe(["set/a.png", "set/nested/b.jpeg.PNG"]);
        File.ReadAllBytes(Path.Combine(folder, "set", "a.png")).ShouldBe(DatasetFiles.Png(10));
    }

    [Fact]
    public async Task FetchAsync_ZipSlipEntry_Rejected()
    {
        byte[] zip = DatasetFiles.Zip(("a.png", DatasetFiles.Png(10)), ("../evil.png", DatasetFiles.Png(20)));
        await UploadAsync("evil.zip", zip);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => fetcher.FetchAsync(Zip("evil.zip"), work.Path, CancellationToken.None));

        exception.Message.ShouldContain("'../evil.png'");
        exception.Message.ShouldContain($"Zip blob 'evil.zip' in container '{store.DatasetContainer.Name}'");
        File.Exists(Path.Combine(work.Path, "evil.png")).ShouldBeFalse();
        Directory.GetFileSystemEntries(work.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_ZipEntryOverFileLimit_Rejected()
    {
        DatasetFetcher strict = new(
            store.Datasets,
            Options.Create(new DatasetLimits { MaxFileBytes = 1024 * 1024, MaxCompressionRatio = 1_000_000 }),
            new TestLogger<DatasetFetcher>());
        byte[] zip = DatasetFiles.Zip(("a.png", DatasetFiles.Png(10)), ("bomb.png", new byte[2 * 1024 * 1024]));
        await UploadAsync("bomb.zip", zip);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => strict.FetchAsync(Zip("bomb.zip"), work.Path, CancellationToken.None));

        exception.Message.ShouldContain("'bomb.png'");
        exception.Message.ShouldContain("MaxFileBytes (1048576 bytes)");
        Directory.GetFileSystemEntries(work.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_PrefixNameClash_SkipsLater()
    {
        TestLogger<DatasetFetcher> logger = new();
        DatasetFetcher logged = new(store.Datasets, Options.Create(new DatasetLimits()), logger);
        await UploadAsync("clash/a.png", DatasetFiles.Png(10));
        await UploadAsync("clash/a.png/b.png", DatasetFiles.Png(20));

        string folder = await logged.FetchAsync(Prefix("clash/"), work.Path, CancellationToken.None);

        DatasetFiles.List(folder).ShouldBe(["a.png"]);
        logger.Entries.ShouldContain(entry =>
            entry.Message.Contains("clash/a.png/b.png", StringComparison.Ordinal)
            && entry.Message.Contains("is a file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FetchAsync_ManySkippedNames_LogsSummary()
    {
        TestLogger<DatasetFetcher> logger = new();
        DatasetFetcher logged = new(store.Datasets, Options.Create(new DatasetLimits()), logger);
        await UploadAsync("flood/a.png", DatasetFiles.Png(10));
        for (int i = 0; i < 10; i++)
        {
            await UploadAsync($"flood/a.png/{i}.png", DatasetFiles.Png(20));
        }

        string folder = await logged.FetchAsync(Prefix("flood/"), work.Path, CancellationToken.None);

        DatasetFiles.List(folder).ShouldBe(["a.png"]);
        logger.Entries.Count(entry => entry.Level == LogLevel.Warning).ShouldBe(4);
        logger.Entries.ShouldContain(entry => entry.Message.StartsWith("Skipped 10 images under prefix flood/"));
    }

    [Fact]
    public async Task FetchAsync_PrefixOverMaxFiles_StopsListing()
    {
        DatasetFetcher strict = new(
            store.Datasets,
            Options.Create(new DatasetLimits { MaxFiles = 3 }),
            new TestLogger<DatasetFetcher>());
        for (int i = 0; i < 12; i++)
        {
            await UploadAsync($"many/{i:D2}.png", DatasetFiles.Png((byte)i));
        }

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => strict.FetchAsync(Prefix("many/"), work.Path, CancellationToken.None));

        exception.Message.ShouldContain("has at least 4 images, more than MaxFiles (3)");
        Directory.GetFileSystemEntries(work.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_MissingPrefix_NotFound()
    {
        await UploadAsync("other/a.png", DatasetFiles.Png(10));

        FileNotFoundException exception = await Should.ThrowAsync<FileNotFoundException>(
            () => fetcher.FetchAsync(Prefix("sketches/"), work.Path, CancellationToken.None));

        exception.Message.ShouldContain("'sketches/'");
        exception.Message.ShouldContain($"container '{store.DatasetContainer.Name}'");
    }

    [Fact]
    public async Task FetchAsync_PrefixWithoutImages_NotFound()
    {
        await UploadAsync("texts/a.txt", Encoding.UTF8.GetBytes("text"));

        FileNotFoundException exception = await Should.ThrowAsync<FileNotFoundException>(
            () => fetcher.FetchAsync(Prefix("texts/"), work.Path, CancellationToken.None));

        exception.Message.ShouldContain("1 other files");
    }

    [Fact]
    public async Task FetchAsync_MissingZip_NotFound()
    {
        FileNotFoundException exception = await Should.ThrowAsync<FileNotFoundException>(
            () => fetcher.FetchAsync(Zip("missing.zip"), work.Path, CancellationToken.None));

        exception.Message.ShouldBe($"Zip blob 'missing.zip' in container '{store.DatasetContainer.Name}' not found.");
    }

    [Theory]
    [InlineData("http://x/y")]
    [InlineData("../x")]
    [InlineData("https://evil.example/sketches.zip")]
    [InlineData("/sketches/")]
    public async Task FetchAsync_UnsafeName_Rejected(string name)
    {
        ArgumentException exception = await Should.ThrowAsync<ArgumentException>(
            () => fetcher.FetchAsync(Zip(name), work.Path, CancellationToken.None));

        exception.Message.ShouldStartWith($"Dataset.Name '{name}' is invalid");
    }

    private static DatasetReference Prefix(string name) => new() { Kind = DatasetKind.BlobPrefix, Name = name };

    private static DatasetReference Zip(string name) => new() { Kind = DatasetKind.ZipBlob, Name = name };

    private Task UploadAsync(string name, byte[] content) =>
        store.DatasetContainer.GetBlobClient(name).UploadAsync(new BinaryData(content));
}
