using System.Diagnostics;
using Dcgan.Engine.Data;

namespace Dcgan.Engine.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_ValidFile_RoundTrips(bool compressed)
    {
        byte[] content = IdxTestFiles.ImageFile(count: 3, rows: 4, columns: 5, out byte[] pixels);
        string path = Write("images-idx3-ubyte", compressed ? IdxTestFiles.Gzip(content) : content);

        ImageData images = IdxReader.ReadImages(path);

        images.Count.ShouldBe(3);
        images.Channels.ShouldBe(1);
        images.Height.ShouldBe(4);
        images.Width.ShouldBe(5);
        images.Pixels.ShouldBe(pixels);
    }

    [Fact]
    public void ReadImages_GzipWithoutGzName_Decompresses()
    {
        byte[] content = IdxTestFiles.ImageFile(count: 2, rows: 3, columns: 3, out byte[] pixels);
        string path = Write("images.idx", IdxTestFiles.Gzip(content));

        ImageData images = IdxReader.ReadImages(path);

        images.Pixels.ShouldBe(pixels);
    }

    [Fact]
    public void ReadImages_RawWithGzName_ReadsRaw()
    {
        byte[] content = IdxTestFiles.ImageFile(count: 2, rows: 3, columns: 3, out byte[] pixels);
        string path = Write("images-idx3-ubyte.gz", content);

        ImageData images = IdxReader.ReadImages(path);

        images.Pixels.ShouldBe(pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadLabels_ValidFile_RoundTrips(bool compressed)
    {
        byte[] labels = [3, 1, 4, 1, 5, 9, 2, 6];
        byte[] content = IdxTestFiles.LabelFile(labels);
        string path = Write("labels-idx1-ubyte", compressed ? IdxTestFiles.Gzip(content) : content);

        byte[] read = IdxReader.ReadLabels(path);

        read.ShouldBe(labels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_MaxCount_ReadsFirstImages(bool compressed)
    {
        byte[] content = IdxTestFiles.ImageFile(count: 5, rows: 2, columns: 3, out byte[] pixels);
        string path = Write("images-idx3-ubyte", compressed ? IdxTestFiles.Gzip(content) : content);

        ImageData images = IdxReader.ReadImages(path, maxCount: 2);

        images.Count.ShouldBe(2);
        images.Pixels.ShouldBe(pixels[..12]);
    }

    [Fact]
    public void ReadImages_MaxCountAboveCount_ReadsAll()
    {
        byte[] content = IdxTestFiles.ImageFile(count: 3, rows: 2, columns: 2, out byte[] pixels);
        string path = Write("images-idx3-ubyte", content);

        ImageData images = IdxReader.ReadImages(path, maxCount: 100);

        images.Count.ShouldBe(3);
        images.Pixels.ShouldBe(pixels);
    }

    [Fact]
    public void ReadLabels_MaxCount_ReadsFirstLabels()
    {
        string path = Write("labels-idx1-ubyte", IdxTestFiles.LabelFile([7, 8, 9]));

        byte[] labels = IdxReader.ReadLabels(path, maxCount: 2);

        labels.ShouldBe(new byte[] { 7, 8 });
    }

    [Fact]
    public void ReadImages_MaxCountZero_Throws()
    {
        string path = Write("images-idx3-ubyte", IdxTestFiles.ImageFile(1, 2, 2, out _));

        Should.Throw<ArgumentOutOfRangeException>(() => IdxReader.ReadImages(path, maxCount: 0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_FileEndsInHeader_Throws(bool compressed)
    {
        byte[] content = IdxTestFiles.ImageFile(count: 2, rows: 2, columns: 2, out _)[..10];
        string path = Write("images-idx3-ubyte", compressed ? IdxTestFiles.Gzip(content) : content);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("ends inside the header");
    }

    [Fact]
    public void ReadImages_RawHeaderClaimsMoreImages_Throws()
    {
        byte[] content = [.. IdxTestFiles.Header(IdxTestFiles.ImageMagic, 5, 2, 2), .. new byte[3 * 4]];
        string path = Write("images-idx3-ubyte", content);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("28 bytes long");
        error.Message.ShouldContain("5 images of 2×2 pixels, which need 36 bytes");
        error.Message.ShouldContain("truncated");
    }

    [Fact]
    public void ReadImages_GzipHeaderClaimsMoreImages_Throws()
    {
        byte[] content = [.. IdxTestFiles.Header(IdxTestFiles.ImageMagic, 5, 2, 2), .. new byte[3 * 4]];
        string path = Write("images-idx3-ubyte.gz", IdxTestFiles.Gzip(content));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("ends after 28 bytes");
        error.Message.ShouldContain("need 36 bytes");
    }

    [Fact]
    public void ReadLabels_HeaderClaimsMoreLabels_Throws()
    {
        byte[] content = [.. IdxTestFiles.Header(IdxTestFiles.LabelMagic, 10), 1, 2, 3];
        string path = Write("labels-idx1-ubyte", content);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadLabels(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("10 labels");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_TrailingBytes_Throws(bool compressed)
    {
        byte[] content = [.. IdxTestFiles.ImageFile(count: 2, rows: 2, columns: 2, out _), 0, 0, 0];
        string path = Write("images-idx3-ubyte", compressed ? IdxTestFiles.Gzip(content) : content);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("disagree");
    }

    [Fact]
    public void ReadImages_WrongMagic_Throws()
    {
        string path = Write("images-idx3-ubyte", [.. IdxTestFiles.Header(0x12345678, 1, 2, 2), 0, 0, 0, 0]);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("0x12345678");
        error.Message.ShouldContain("expected 0x00000803");
    }

    [Fact]
    public void ReadImages_WrongTypeCode_Throws()
    {
        string path = Write("images-idx3-ubyte", [.. IdxTestFiles.Header(0x00000D03, 1, 1, 1), 0, 0, 0, 0]);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("0x0D (32-bit float)");
        error.Message.ShouldContain("expected 0x08 (unsigned byte)");
    }

    [Fact]
    public void ReadImages_LabelFile_Throws()
    {
        string path = Write("labels-idx1-ubyte", IdxTestFiles.LabelFile([1, 2, 3]));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("number of dimensions is 1, expected 3");
    }

    [Fact]
    public void ReadLabels_ImageFile_Throws()
    {
        string path = Write("images-idx3-ubyte", IdxTestFiles.ImageFile(1, 2, 2, out _));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadLabels(path));

        error.Message.ShouldContain("number of dimensions is 3, expected 1");
        error.Message.ShouldContain("expected 0x00000801");
    }

    [Theory]
    [InlineData(0u, 28u, 28u, "item count of 0")]
    [InlineData(1_000_001u, 28u, 28u, "item count of 1000001")]
    [InlineData(10u, 0u, 28u, "row count of 0")]
    [InlineData(10u, 28u, 4097u, "column count of 4097")]
    [InlineData(uint.MaxValue, 28u, 28u, "item count of 4294967295")]
    public void ReadImages_DimensionOutOfRange_Throws(uint count, uint rows, uint columns, string expected)
    {
        string path = Write("images-idx3-ubyte", IdxTestFiles.Header(IdxTestFiles.ImageMagic, count, rows, columns));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void ReadImages_TotalAboveArrayLimit_Throws()
    {
        string path = Write("images-idx3-ubyte", IdxTestFiles.Header(IdxTestFiles.ImageMagic, 1_000_000, 2048, 2048));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain("4194304000000 bytes");
        error.Message.ShouldContain($"at most {Array.MaxLength} bytes");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_AbsurdCount_ThrowsWithoutAllocating(bool compressed)
    {
        byte[] content = [.. IdxTestFiles.Header(IdxTestFiles.ImageMagic, 1_000_000_000, 28, 28), 1, 2, 3, 4];
        string path = Write("images-idx3-ubyte", compressed ? IdxTestFiles.Gzip(content) : content);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Stopwatch stopwatch = Stopwatch.StartNew();

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        allocated.ShouldBeLessThan(1_000_000);
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        error.Message.ShouldContain("item count of 1000000000");
    }

    [Fact]
    public void ReadImages_ProductOverflowsThirtyTwoBits_Throws()
    {
        // 65536 × 256 × 256 = 2^32, which a 32-bit product would wrap to 0 and accept.
        string path = Write("images-idx3-ubyte", IdxTestFiles.Header(IdxTestFiles.ImageMagic, 65536, 256, 256));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("4294967296 bytes");
    }

    [Fact]
    public void ReadImages_GzipHeaderOverstatesData_Throws()
    {
        // 1,000,000 × 46 × 46 = 2,116,000,000 bytes passes every header cap, but the file contains 100 pixels.
        byte[] content = [.. IdxTestFiles.Header(IdxTestFiles.ImageMagic, 1_000_000, 46, 46), .. new byte[100]];
        string path = Write("images-idx3-ubyte.gz", IdxTestFiles.Gzip(content));
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        allocated.ShouldBeLessThan(4L * 1024 * 1024);
        error.Message.ShouldContain(path);
        error.Message.ShouldContain("ends after 116 bytes");
        error.Message.ShouldContain("need 2116000016 bytes");
    }

    [Fact]
    public void ReadImages_GzipBombAfterImages_Throws()
    {
        // The header declares 10 images of 28×28, and 256 MiB of zeros follow, which compress to under 2 MiB.
        byte[] images = IdxTestFiles.ImageFile(count: 10, rows: 28, columns: 28, out _);
        string path = directory.Combine("bomb-idx3-ubyte.gz");
        IdxTestFiles.WriteGzip(path, images, trailingZeroBytes: 256L * 1024 * 1024);
        long compressedLength = new FileInfo(path).Length;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Stopwatch stopwatch = Stopwatch.StartNew();

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        compressedLength.ShouldBeLessThan(2L * 1024 * 1024);
        allocated.ShouldBeLessThan(4L * 1024 * 1024);
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        error.Message.ShouldContain(path);
        error.Message.ShouldContain("continues past the 7856 bytes");
    }

    [Fact]
    public void ReadImages_GzipBomb_StopsAtMaxCount()
    {
        byte[] images = IdxTestFiles.ImageFile(count: 10, rows: 28, columns: 28, out byte[] pixels);
        string path = directory.Combine("bomb-idx3-ubyte.gz");
        IdxTestFiles.WriteGzip(path, images, trailingZeroBytes: 256L * 1024 * 1024);
        Stopwatch stopwatch = Stopwatch.StartNew();

        ImageData read = IdxReader.ReadImages(path, maxCount: 3);

        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        read.Count.ShouldBe(3);
        read.Pixels.ShouldBe(pixels[..(3 * 28 * 28)]);
    }

    [Fact]
    public void ReadImages_CorruptGzip_ThrowsNamingFile()
    {
        byte[] compressed = IdxTestFiles.Gzip(IdxTestFiles.ImageFile(count: 4, rows: 8, columns: 8, out _));
        for (int i = 10; i < compressed.Length - 8; i++)
        {
            compressed[i] = 0xFF;
        }

        string path = Write("images-idx3-ubyte.gz", compressed);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxReader.ReadImages(path));

        error.Message.ShouldContain(path);
    }

    [Fact]
    public void ReadImages_MissingFile_ThrowsFileNotFound()
    {
        string path = directory.Combine("absent-idx3-ubyte");

        Should.Throw<FileNotFoundException>(() => IdxReader.ReadImages(path));
    }

    private string Write(string name, byte[] content)
    {
        string path = directory.Combine(name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
