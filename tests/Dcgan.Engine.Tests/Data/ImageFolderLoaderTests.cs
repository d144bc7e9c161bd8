using System.Diagnostics;
using Dcgan.Engine.Data;
using SkiaSharp;

namespace Dcgan.Engine.Tests.Data;

public sealed class ImageFolderLoaderTests : IDisposable
{
    private static readonly SKColor Red = new(255, 0, 0);
    private static readonly SKColor Green = new(0, 255, 0);
    private static readonly SKColor Blue = new(0, 0, 255);

    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Load_MixedFolder_LoadsValidAndReportsCorrupt()
    {
        string wide = TestImages.Write(directory.Combine("a-wide.png"), 64, 48, Gradient);
        string tall = TestImages.Write(directory.Combine("b-tall.jpg"), 30, 90, Gradient, SKEncodedImageFormat.Jpeg);
        string square = TestImages.Write(
            directory.Combine("sub", "c-square.JPEG"), 200, 200, Gradient, SKEncodedImageFormat.Jpeg);
        string corrupt = directory.Combine("d-corrupt.png");
        File.WriteAllBytes(corrupt, RandomBytes(500));
        File.WriteAllText(directory.Combine("notes.txt"), "not an image");

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, imageSize: 32, channels: 3);

        result.Images.Count.ShouldBe(3);
        result.Images.Channels.ShouldBe(3);
        result.Images.Height.ShouldBe(32);
        result.Images.Width.ShouldBe(32);
        result.Images.Pixels.Length.ShouldBe(3 * 3 * 32 * 32);
        result.ImagePaths.ShouldBe([wide, tall, square]);
        result.UnreadableImages.Count.ShouldBe(1);
        result.UnreadableImages[0].Path.ShouldBe(corrupt);
        result.UnreadableImages[0].Reason.ShouldContain("not a decodable image");
    }

    [Fact]
    public void Load_WideImage_KeepsCentre()
    {
        TestImages.Write(directory.Combine("wide.png"), 300, 100, (x, _) => x is >= 100 and < 200 ? Blue : Red);

        ImageData images = ImageFolderLoader.Load(directory.Path, imageSize: 16, channels: 3).Images;

        PlaneMean(images, 0).ShouldBeLessThan(10);
        PlaneMean(images, 2).ShouldBeGreaterThan(245);
    }

    [Fact]
    public void Load_TallImage_KeepsCentre()
    {
        TestImages.Write(directory.Combine("tall.png"), 100, 300, (_, y) => y is >= 100 and < 200 ? Green : Red);

        ImageData images = ImageFolderLoader.Load(directory.Path, imageSize: 16, channels: 3).Images;

        PlaneMean(images, 0).ShouldBeLessThan(10);
        PlaneMean(images, 1).ShouldBeGreaterThan(245);
    }

    [Fact]
    public void Load_OneChannel_WritesLuma()
    {
        TestImages.Write(directory.Combine("solid.png"), 40, 40, (_, _) => new SKColor(200, 100, 50));

        ImageData images = ImageFolderLoader.Load(directory.Path, imageSize: 8, channels: 1).Images;

        images.Channels.ShouldBe(1);
        images.Pixels.Length.ShouldBe(8 * 8);
        images.Pixels.ShouldAllBe(value => value == 124);
    }

    [Fact]
    public void Load_ThreeChannels_WritesPlanesInRgbOrder()
    {
        TestImages.Write(directory.Combine("solid.png"), 20, 20, (_, _) => new SKColor(10, 20, 30));

        ImageData images = ImageFolderLoader.Load(directory.Path, imageSize: 8, channels: 3).Images;

        images.Pixels[..64].ShouldAllBe(value => value == 10);
        images.Pixels[64..128].ShouldAllBe(value => value == 20);
        images.Pixels[128..].ShouldAllBe(value => value == 30);
    }

    [Fact]
    public void Load_FineCheckerboard_AveragesWhenShrinking()
    {
        // 224 / 32 = 7 is odd, so plain bilinear sampling would hit single pixel centres and return pure black or white.
        TestImages.Write(
            directory.Combine("checkerboard.png"),
            224,
            224,
            (x, y) => (x + y) % 2 == 0 ? SKColors.Black : SKColors.White);

        ImageData images = ImageFolderLoader.Load(directory.Path, imageSize: 32, channels: 1).Images;

        images.Pixels.Min().ShouldBeGreaterThan((byte)100);
        images.Pixels.Max().ShouldBeLessThan((byte)156);
    }

    [Fact]
    public void Load_SmallImage_Enlarges()
    {
        TestImages.Write(directory.Combine("small.png"), 10, 10, (_, _) => Blue);

        ImageData images = ImageFolderLoader.Load(directory.Path, imageSize: 64, channels: 3).Images;

        images.Height.ShouldBe(64);
        PlaneMean(images, 2).ShouldBe(255);
    }

    [Fact]
    public void Load_ExifRotatedJpeg_AppliesOrientation()
    {
        byte[] jpeg = TestImages.Encode(64, 64, (_, y) => y < 32 ? Red : Blue, SKEncodedImageFormat.Jpeg);
        // Orientation 6 means the stored image is shown rotated 90° clockwise, so its red top half appears on the right.
        File.WriteAllBytes(directory.Combine("rotated.jpg"), TestImages.AddExifOrientation(jpeg, orientation: 6));

        ImageData images = ImageFolderLoader.Load(directory.Path, imageSize: 16, channels: 3).Images;

        RedAt(images, x: 2, y: 8).ShouldBeLessThan((byte)40);
        RedAt(images, x: 13, y: 8).ShouldBeGreaterThan((byte)215);
    }

    [Fact]
    public void Load_MaxCount_CountsOnlyReadableImages()
    {
        File.WriteAllBytes(directory.Combine("a-corrupt.png"), RandomBytes(100));
        string first = TestImages.Write(directory.Combine("b.png"), 16, 16, Gradient);
        TestImages.Write(directory.Combine("c.png"), 16, 16, Gradient);

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, imageSize: 8, channels: 1, maxCount: 1);

        result.Images.Count.ShouldBe(1);
        result.Images.Pixels.Length.ShouldBe(64);
        result.ImagePaths.ShouldBe([first]);
        result.UnreadableImages.Count.ShouldBe(1);
    }

    [Fact]
    public void Load_ImageAbovePixelLimit_ReportedUnreadable()
    {
        TestImages.Write(directory.Combine("a-small.png"), 8, 8, Gradient);
        string large = TestImages.Write(directory.Combine("b-large.png"), 20, 20, Gradient);

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 8, 1, maxPixelCount: 100);

        result.Images.Count.ShouldBe(1);
        result.UnreadableImages.ShouldHaveSingleItem().Path.ShouldBe(large);
        result.UnreadableImages[0].Reason.ShouldContain("20×20 = 400 pixels, above the limit of 100 pixels");
    }

    [Theory]
    [InlineData("b-bomb.png")]
    [InlineData("b-bomb.jpg")]
    public void Load_HeaderDeclaringHugeSize_RejectedBeforeDecoding(string name)
    {
        string valid = TestImages.Write(directory.Combine("a-valid.png"), 16, 16, Gradient);
        string bomb = directory.Combine(name);
        File.WriteAllBytes(
            bomb,
            name.EndsWith(".png", StringComparison.Ordinal)
                ? HostileImages.PngDeclaringSize(60_000, 60_000)
                : HostileImages.JpegDeclaringSize(60_000, 60_000));
        Stopwatch stopwatch = Stopwatch.StartNew();

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 8, 1);

        // Decoding 60000×60000 RGBA pixels would need 14.4 GB, so finishing at all shows the header was checked first.
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        new FileInfo(bomb).Length.ShouldBeLessThan(1024);
        result.ImagePaths.ShouldBe([valid]);
        result.UnreadableImages.ShouldHaveSingleItem().Path.ShouldBe(bomb);
        result.UnreadableImages[0].Reason.ShouldContain(
            "image is 60000×60000 = 3600000000 pixels, above the limit of 40000000 pixels");
    }

    [Fact]
    public void Load_OnlyBombs_ThrowsNamingFileAndLimit()
    {
        Directory.CreateDirectory(directory.Combine("sub"));
        File.WriteAllBytes(directory.Combine("sub", "bomb.png"), HostileImages.PngDeclaringSize(60_000, 60_000));

        InvalidDataException error = Should.Throw<InvalidDataException>(
            () => ImageFolderLoader.Load(directory.Path, 8, 1));

        error.Message.ShouldContain("all 1 image files were skipped");
        error.Message.ShouldContain("First skipped: 'sub/bomb.png'");
        error.Message.ShouldContain("above the limit of 40000000 pixels");
    }

    [Theory]
    [InlineData("text.png", "plain text, not an image")]
    [InlineData("script.jpg", "#!/bin/sh\necho not an image")]
    [InlineData("empty.jpeg", "")]
    public void Load_FileThatIsNotAnImage_ReportedUnreadable(string name, string content)
    {
        string valid = TestImages.Write(directory.Combine("a-valid.png"), 16, 16, Gradient);
        string fake = directory.Combine(name);
        File.WriteAllText(fake, content);

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 8, 1);

        result.ImagePaths.ShouldBe([valid]);
        result.UnreadableImages.ShouldHaveSingleItem().Path.ShouldBe(fake);
        result.UnreadableImages[0].Reason.ShouldContain("not a decodable image");
    }

    [Fact]
    public void Load_ManyUnreadableFiles_ReportsEach()
    {
        string valid = TestImages.Write(directory.Combine("z-valid.png"), 16, 16, Gradient);
        for (int i = 0; i < 2000; i++)
        {
            File.WriteAllBytes(directory.Combine($"junk-{i:D4}.png"), [0x89, 0x50, 0x4E, 0x47]);
        }

        Stopwatch stopwatch = Stopwatch.StartNew();

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 8, 1);

        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        result.ImagePaths.ShouldBe([valid]);
        result.UnreadableImages.Count.ShouldBe(2000);
        result.Images.Pixels.Length.ShouldBe(64);
    }

    [Fact]
    public void Load_ManyEmptyFiles_AllocatesForReadableOnly()
    {
        // 600 images of 1024×1024×3 bytes would take 1.9 GB, but only one file is an image.
        string valid = TestImages.Write(directory.Combine("z-valid.png"), 16, 16, Gradient);
        for (int i = 0; i < 600; i++)
        {
            File.WriteAllBytes(directory.Combine($"empty-{i:D3}.png"), []);
        }

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 1024, 3);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        allocated.ShouldBeLessThan(64L * 1024 * 1024);
        result.ImagePaths.ShouldBe([valid]);
        result.UnreadableImages.Count.ShouldBe(600);
        result.Images.Pixels.Length.ShouldBe(1024 * 1024 * 3);
    }

    [Fact]
    public void Load_BufferGrowth_KeepsEveryImage()
    {
        // At 64×64×3 bytes the first buffer takes 1365 images, so 1400 images need one doubling.
        const int Count = 1400;
        byte[] encoded = TestImages.Encode(8, 8, Gradient);
        for (int i = 0; i < Count; i++)
        {
            File.WriteAllBytes(directory.Combine($"image-{i:D4}.png"), encoded);
        }

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 64, 3);

        int imageLength = 64 * 64 * 3;
        result.Images.Count.ShouldBe(Count);
        result.Images.Pixels.Length.ShouldBe(Count * imageLength);
        result.Images.Pixels.AsSpan((Count - 1) * imageLength, imageLength).ToArray()
            .ShouldBe(result.Images.Pixels.AsSpan(0, imageLength).ToArray());
    }

    [Fact]
    public void Load_FileAboveSizeLimit_ReportedUnreadable()
    {
        string small = TestImages.Write(directory.Combine("a-solid.png"), 16, 16, (_, _) => Blue);
        string large = directory.Combine("b-noise.png");
        Random random = new(7);
        TestImages.Write(large, 64, 64, (_, _) => new SKColor((uint)random.Next() | 0xFF000000));
        long limit = new FileInfo(small).Length;

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 8, 3, maxFileBytes: limit);

        result.ImagePaths.ShouldBe([small]);
        result.UnreadableImages.ShouldHaveSingleItem().Path.ShouldBe(large);
        result.UnreadableImages[0].Reason.ShouldContain($"above the limit of {limit} bytes");
    }

    [Theory]
    [InlineData("b-truncated.png", SKEncodedImageFormat.Png)]
    [InlineData("b-truncated.jpg", SKEncodedImageFormat.Jpeg)]
    public void Load_TruncatedFile_ReportedUnreadable(string name, SKEncodedImageFormat format)
    {
        TestImages.Write(directory.Combine("a-whole.png"), 16, 16, Gradient);
        byte[] encoded = TestImages.Encode(64, 64, Gradient, format);
        string truncated = directory.Combine(name);
        File.WriteAllBytes(truncated, encoded[..(encoded.Length / 2)]);

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 8, 3);

        result.Images.Count.ShouldBe(1);
        result.UnreadableImages.ShouldHaveSingleItem().Path.ShouldBe(truncated);
        result.UnreadableImages[0].Reason.ShouldContain("truncated");
    }

    [Fact]
    public void Load_HiddenFile_Skipped()
    {
        string visible = TestImages.Write(directory.Combine("visible.png"), 16, 16, Gradient);
        TestImages.Write(directory.Combine(".hidden.png"), 16, 16, Gradient);

        ImageFolderResult result = ImageFolderLoader.Load(directory.Path, 8, 1);

        result.ImagePaths.ShouldBe([visible]);
    }

    [Fact]
    public void Load_EmptyFolder_Throws()
    {
        InvalidDataException error = Should.Throw<InvalidDataException>(
            () => ImageFolderLoader.Load(directory.Path, 32, 3));

        error.Message.ShouldContain(directory.Path);
        error.Message.ShouldContain("contains no .png, .jpg or .jpeg files");
    }

    [Fact]
    public void Load_OnlyCorruptFiles_ThrowsWithSkippedCount()
    {
        File.WriteAllBytes(directory.Combine("a.png"), RandomBytes(100));
        File.WriteAllBytes(directory.Combine("b.jpg"), RandomBytes(100));

        InvalidDataException error = Should.Throw<InvalidDataException>(
            () => ImageFolderLoader.Load(directory.Path, 32, 3));

        error.Message.ShouldContain(directory.Path);
        error.Message.ShouldContain("all 2 image files were skipped");
    }

    [Fact]
    public void Load_MissingDirectory_Throws()
    {
        string missing = directory.Combine("missing");

        DirectoryNotFoundException error = Should.Throw<DirectoryNotFoundException>(
            () => ImageFolderLoader.Load(missing, 32, 3));

        error.Message.ShouldContain(missing);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1025)]
    public void Load_ImageSizeOutOfRange_Throws(int imageSize)
    {
        ArgumentOutOfRangeException error = Should.Throw<ArgumentOutOfRangeException>(
            () => ImageFolderLoader.Load(directory.Path, imageSize, 3));

        error.ParamName.ShouldBe("imageSize");
        error.Message.ShouldContain($"Image size {imageSize}");
        error.Message.ShouldContain("8 to 1024");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void Load_UnsupportedChannels_Throws(int channels)
    {
        ArgumentOutOfRangeException error = Should.Throw<ArgumentOutOfRangeException>(
            () => ImageFolderLoader.Load(directory.Path, 32, channels));

        error.ParamName.ShouldBe("channels");
        error.Message.ShouldContain($"Channel count {channels}");
        error.Message.ShouldContain("1 (grayscale) or 3 (RGB)");
    }

    [Fact]
    public void Load_TooManyForOneArray_Throws()
    {
        // At 1024×1024×3 bytes per image, 682 images fit below Array.MaxLength. The check runs before decoding.
        for (int i = 0; i < 683; i++)
        {
            File.WriteAllBytes(directory.Combine($"{i:D3}.png"), []);
        }

        ArgumentException error = Should.Throw<ArgumentException>(
            () => ImageFolderLoader.Load(directory.Path, 1024, 3));

        error.ParamName.ShouldBe("maxCount");
        error.Message.ShouldContain("683 images");
        error.Message.ShouldContain("at most 682");
    }

    [Fact]
    public void Load_MaxCountZero_Throws()
    {
        ArgumentOutOfRangeException error = Should.Throw<ArgumentOutOfRangeException>(
            () => ImageFolderLoader.Load(directory.Path, 32, 3, maxCount: 0));

        error.ParamName.ShouldBe("maxCount");
    }

    private static SKColor Gradient(int x, int y) => new((byte)(x * 4), (byte)(y * 2), 128);

    private static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(1234).NextBytes(bytes);
        return bytes;
    }

    private static double PlaneMean(ImageData images, int channel)
    {
        int planeLength = images.Height * images.Width;
        return images.Pixels.AsSpan(channel * planeLength, planeLength).ToArray().Average(value => (double)value);
    }

    private static byte RedAt(ImageData images, int x, int y) => images.Pixels[y * images.Width + x];
}
