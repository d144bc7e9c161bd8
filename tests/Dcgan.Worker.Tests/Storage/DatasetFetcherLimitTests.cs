using System.Security.Cryptography;
using System.Text;
using Dcgan.Contracts;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Storage;

/// <summary>Limits and unsafe input, on a local data-set folder (the embedded-mode source).</summary>
public sealed class DatasetFetcherLimitTests : IDisposable
{
    private readonly TemporaryFolder root = new();
    private readonly string datasets;
    private readonly string work;

    public DatasetFetcherLimitTests()
    {
        datasets = root.Combine("datasets");
        work = root.Combine("work");
        Directory.CreateDirectory(datasets);
        Directory.CreateDirectory(work);
    }

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task FetchAsync_LocalPrefix_CopiesImages()
    {
        Write("set/a.png", DatasetFiles.Png(10));
        Write("set/b.jpg", DatasetFiles.Png(20));
        Write("set/c.txt", Encoding.UTF8.GetBytes("text"));
        Write("set/.hidden.png", DatasetFiles.Png(30));

        string folder = await Fetcher().FetchAsync(Prefix("set/"), work, CancellationToken.None);

        DatasetFiles.List(folder).ShouldBe(["a.png", "b.jpg"]);
    }

    [Fact]
    public async Task FetchAsync_PrefixOverMaxFiles_Rejected()
    {
        Write("set/a.png", DatasetFiles.Png(10));
        Write("set/b.png", DatasetFiles.Png(20));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxFiles = 1 })
                .FetchAsync(Prefix("set/"), work, CancellationToken.None));

        exception.Message.ShouldContain("MaxFiles (1)");
    }

    [Fact]
    public async Task FetchAsync_PrefixFileTooLarge_Rejected()
    {
        Write("set/a.png", DatasetFiles.Png(10));
        Write("set/big.png", new byte[5000]);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxFileBytes = 4096 })
                .FetchAsync(Prefix("set/"), work, CancellationToken.None));

        exception.Message.ShouldContain("'set/big.png'");
        exception.Message.ShouldContain("MaxFileBytes (4096 bytes)");
    }

    [Fact]
    public async Task FetchAsync_PrefixOverMaxTotalBytes_Rejected()
    {
        Write("set/a.png", new byte[3000]);
        Write("set/b.png", new byte[3000]);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxTotalBytes = 5000 })
                .FetchAsync(Prefix("set/"), work, CancellationToken.None));

        exception.Message.ShouldContain("MaxTotalBytes (5000 bytes)");
        Directory.GetFileSystemEntries(work).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_PrefixThroughSymbolicLink_Rejected()
    {
        string outside = root.Combine("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(outside, "secret.png"), DatasetFiles.Png(1));
        Directory.CreateSymbolicLink(Path.Combine(datasets, "linked"), outside);

        await Should.ThrowAsync<ArgumentException>(
            () => Fetcher().FetchAsync(Prefix("linked/"), work, CancellationToken.None));
    }

    [Fact]
    public async Task FetchAsync_ZipSizeUnderstated_Truncated()
    {
        byte[] zip = DatasetFiles.WithDeclaredUncompressedSize(
            DatasetFiles.Zip(("bomb.png", new byte[2 * 1024 * 1024])),
            declaredSize: 1000);
        Write("bomb.zip", zip);
        DatasetLimits limits = new() { MaxFileBytes = 1024 * 1024, MaxCompressionRatio = 1_000_000 };

        string folder = await Fetcher(limits).FetchAsync(Zip("bomb.zip"), work, CancellationToken.None);

        new FileInfo(Path.Combine(folder, "bomb.png")).Length.ShouldBeLessThanOrEqualTo(1000);
    }

    [Fact]
    public async Task FetchAsync_ZipEntryOverCompressionRatio_Rejected()
    {
        Write("packed.zip", DatasetFiles.Zip(("packed.png", new byte[4 * 1024 * 1024])));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("packed.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("'packed.png'");
        exception.Message.ShouldContain("MaxCompressionRatio (100)");
    }

    [Fact]
    public async Task FetchAsync_ZipExpandsTooLarge_Rejected()
    {
        Write("set.zip", DatasetFiles.Zip(("a.png", new byte[3000]), ("b.png", new byte[3000])));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxTotalBytes = 5000 })
                .FetchAsync(Zip("set.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("expand to more than MaxTotalBytes (5000 bytes)");
    }

    [Fact]
    public async Task FetchAsync_ZipOverMaxZipEntries_Rejected()
    {
        Write("set.zip", DatasetFiles.Zip(("a.png", DatasetFiles.Png(1)), ("b.txt", [1]), ("c.txt", [2])));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxZipEntries = 2 })
                .FetchAsync(Zip("set.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("3 entries, more than MaxZipEntries (2)");
    }

    [Fact]
    public async Task FetchAsync_ZipOverMaxFiles_Rejected()
    {
        Write("set.zip", DatasetFiles.Zip(("a.png", DatasetFiles.Png(1)), ("b.png", DatasetFiles.Png(2))));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxFiles = 1 })
                .FetchAsync(Zip("set.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("MaxFiles (1)");
    }

    [Theory]
    [InlineData("../evil.png")]
    [InlineData("..\\evil.png")]
    [InlineData("set/../../evil.png")]
    [InlineData("/etc/evil.png")]
    [InlineData("C:/evil.png")]
    [InlineData("C:\\evil.png")]
    [InlineData("../evil.txt")]
    public async Task FetchAsync_ZipEntryEscapingFolder_Rejected(string entryName)
    {
        Write("evil.zip", DatasetFiles.Zip(("a.png", DatasetFiles.Png(1)), (entryName, DatasetFiles.Png(2))));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("evil.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("is unsafe");
        File.Exists(root.Combine("evil.png")).ShouldBeFalse();
        Directory.GetFileSystemEntries(work).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_ZipOddlyNamedTextEntry_Skipped()
    {
        Write("set.zip", DatasetFiles.Zip(("a.png", DatasetFiles.Png(1)), ("notes%41.txt", [1]), ("b\u0001.txt", [2])));

        string folder = await Fetcher().FetchAsync(Zip("set.zip"), work, CancellationToken.None);

        DatasetFiles.List(folder).ShouldBe(["a.png"]);
    }

    [Fact]
    public async Task FetchAsync_ZipOddlyNamedImageEntry_Rejected()
    {
        Write("set.zip", DatasetFiles.Zip(("a.png", DatasetFiles.Png(1)), ("b%41.png", DatasetFiles.Png(2))));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("set.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("percent-encoded");
    }

    [Fact]
    public async Task FetchAsync_ZipWithDuplicateEntry_Rejected()
    {
        Write("set.zip", DatasetFiles.Zip(("a.png", DatasetFiles.Png(1)), ("a.png", DatasetFiles.Png(2))));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("set.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("'a.png' more than once");
    }

    [Theory]
    [InlineData("a.png", "a.png/b.png", "it needs a folder where the earlier name 'a.png' is a file")]
    [InlineData("a.png/b.png", "a.png", "earlier names are stored below it, so it is a folder")]
    public async Task FetchAsync_ZipFileAndFolderClash_Rejected(string first, string second, string problem)
    {
        Write("clash.zip", DatasetFiles.Zip((first, DatasetFiles.Png(1)), (second, DatasetFiles.Png(2))));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("clash.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain($"the entry '{second}' more than once, or as both a file and a folder");
        exception.Message.ShouldContain(problem);
        Directory.GetFileSystemEntries(work).ShouldBeEmpty();
    }

    [Fact]
    public async Task ExtractAsync_TooManyEntries_RejectedEarly()
    {
        string zipPath = root.Combine("many.zip");
        File.WriteAllBytes(zipPath, DatasetFiles.Zip([.. Enumerable.Range(0, 50_000).Select(i => ($"n/{i:D5}.txt", Array.Empty<byte>()))]));
        string target = root.Combine("target");
        Directory.CreateDirectory(target);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        // The entry count is checked before the first await, so the allocation is measured on this thread.
        Task extraction = ZipDatasetExtractor.ExtractAsync(
            zipPath, "Zip 'many.zip'", target, new DatasetLimits { MaxZipEntries = 1000 }, CancellationToken.None);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(() => extraction);
        exception.Message.ShouldBe("Zip 'many.zip' has 50000 entries, more than MaxZipEntries (1000).");
        allocated.ShouldBeLessThan(1024 * 1024);
    }

    [Fact]
    public async Task FetchAsync_Zip64EntryCount_Rejected()
    {
        // Above 65535 entries the count field of the end-of-central-directory record is 0xFFFF and the ZIP64 record
        // contains the count.
        Write("many.zip", DatasetFiles.Zip([.. Enumerable.Range(0, 70_000).Select(i => ($"{i:D5}", Array.Empty<byte>()))]));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxZipEntries = 65_535 })
                .FetchAsync(Zip("many.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("70000 entries, more than MaxZipEntries (65535)");
    }

    [Fact]
    public async Task FetchAsync_ZipUnderstatingEntryCount_Rejected()
    {
        byte[] zip = DatasetFiles.WithDeclaredEntryCount(
            DatasetFiles.Zip(("a.png", DatasetFiles.Png(1)), ("b.png", DatasetFiles.Png(2)), ("c.png", DatasetFiles.Png(3))),
            declaredCount: 1);
        Write("understated.zip", zip);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("understated.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("is not a valid zip file");
        Directory.GetFileSystemEntries(work).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_ZipEntryUnsupportedMethod_Rejected()
    {
        // Compression method 14 is LZMA, which System.IO.Compression cannot decompress.
        byte[] zip = DatasetFiles.WithEntryHeaderField(
            DatasetFiles.Zip(("a.png", DatasetFiles.Png(1))),
            localOffset: 8,
            centralOffset: 10,
            value: 14);
        Write("lzma.zip", zip);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("lzma.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("Entry 'a.png' in Zip blob 'lzma.zip'");
        exception.Message.ShouldContain("cannot be read");
        Directory.GetFileSystemEntries(work).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_ZipEntryCorruptData_Rejected()
    {
        byte[] zip = DatasetFiles.Zip(("a.png", RandomNumberGenerator.GetBytes(4096)));
        int dataStart = 30 + "a.png".Length;
        zip.AsSpan(dataStart, 64).Fill(0xFF);
        Write("corrupt.zip", zip);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("corrupt.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("Entry 'a.png' in Zip blob 'corrupt.zip'");
        Directory.GetFileSystemEntries(work).ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_ZipWithoutImages_Rejected()
    {
        Write("texts.zip", DatasetFiles.Zip(("a.txt", [1, 2, 3])));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("texts.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("contains no .png, .jpg or .jpeg files");
    }

    [Fact]
    public async Task FetchAsync_NotAZip_Rejected()
    {
        Write("fake.zip", Encoding.UTF8.GetBytes("this is not a zip archive"));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher().FetchAsync(Zip("fake.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("is not a valid zip file");
    }

    [Fact]
    public async Task FetchAsync_ZipNameEndingWithSlash_Rejected()
    {
        ArgumentException exception = await Should.ThrowAsync<ArgumentException>(
            () => Fetcher().FetchAsync(Zip("set/"), work, CancellationToken.None));

        exception.Message.ShouldContain("names a prefix");
    }

    [Fact]
    public async Task FetchAsync_ZipBlobTooLarge_Rejected()
    {
        Write("set.zip", DatasetFiles.Zip(("a.png", DatasetFiles.Png(1))));

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => Fetcher(new DatasetLimits { MaxTotalBytes = 10 })
                .FetchAsync(Zip("set.zip"), work, CancellationToken.None));

        exception.Message.ShouldContain("Zip blob 'set.zip'");
        exception.Message.ShouldContain("MaxTotalBytes (10 bytes)");
    }

    [Fact]
    public async Task FetchAsync_BuiltInDataset_Rejected()
    {
        ArgumentException exception = await Should.ThrowAsync<ArgumentException>(
            () => Fetcher().FetchAsync(DatasetReference.FashionMnist(), work, CancellationToken.None));

        exception.Message.ShouldContain("BuiltIn");
    }

    [Fact]
    public void IsImageName_Extensions_MatchCaseInsensitively()
    {
        DatasetFetcher.IsImageName("a/b.PNG").ShouldBeTrue();
        DatasetFetcher.IsImageName("a/b.Jpeg").ShouldBeTrue();
        DatasetFetcher.IsImageName("b.jpg").ShouldBeTrue();
        DatasetFetcher.IsImageName("b.gif").ShouldBeFalse();
        DatasetFetcher.IsImageName("a/.b.png").ShouldBeFalse();
        DatasetFetcher.IsImageName("png").ShouldBeFalse();
    }

    private static DatasetReference Prefix(string name) => new() { Kind = DatasetKind.BlobPrefix, Name = name };

    private static DatasetReference Zip(string name) => new() { Kind = DatasetKind.ZipBlob, Name = name };

    private DatasetFetcher Fetcher(DatasetLimits? limits = null) =>
        new(
            new LocalFolderDatasetSource(datasets),
            Options.Create(limits ?? new DatasetLimits()),
            new TestLogger<DatasetFetcher>());

    private void Write(string name, byte[] content)
    {
        string path = Path.Combine(datasets, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
