using Dcgan.Engine.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Imaging;

public sealed class PngWriterTests
{
    [Fact]
    public void Encode_GrayscaleImage_KeepsPixelValues()
    {
        using Tensor image = linspace(-1, 1, 16 * 16).view(1, 16, 16);

        using SKBitmap decoded = SKBitmap.Decode(PngWriter.Encode(image));

        decoded.Width.ShouldBe(16);
        decoded.Height.ShouldBe(16);
        decoded.GetPixel(0, 0).Red.ShouldBe((byte)0);
        decoded.GetPixel(15, 15).Red.ShouldBe((byte)255);
    }

    [Fact]
    public void Encode_RgbImage_KeepsChannelOrder()
    {
        using Tensor image = full(3, 8, 8, -1f);
        image[0].fill_(1f);

        using SKBitmap decoded = SKBitmap.Decode(PngWriter.Encode(image));

        decoded.GetPixel(3, 3).ShouldBe(new SKColor(255, 0, 0));
    }

    [Fact]
    public void EncodeGrid_TenImages_MakesFourByThreeGridWithBorders()
    {
        using Tensor images = ones(10, 1, 8, 8);

        using SKBitmap grid = SKBitmap.Decode(PngWriter.EncodeGrid(images));

        grid.Width.ShouldBe(4 * (8 + 2) + 2);
        grid.Height.ShouldBe(3 * (8 + 2) + 2);
        grid.GetPixel(0, 0).Red.ShouldBe((byte)0);
        grid.GetPixel(2, 2).Red.ShouldBe((byte)255);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Encode_SliceOfBatchBytes_EqualsEncodingTheImageTensor(int channels)
    {
        using var random = new Generator(5, CPU);
        using Tensor batch = rand(4, channels, 12, 12, generator: random);
        byte[] pixels = PngWriter.ToBytes(batch);
        int imageLength = channels * 12 * 12;

        for (int i = 0; i < 4; i++)
        {
            using Tensor image = batch[i];
            byte[] fromSlice = PngWriter.Encode(pixels.AsSpan(i * imageLength, imageLength), channels, 12, 12);
            fromSlice.ShouldBe(PngWriter.Encode(image));
        }
    }

    [Fact]
    public void Encode_SliceOfWrongLength_IsRejected()
    {
        var pixels = new byte[100];

        Should.Throw<ArgumentException>(() => PngWriter.Encode(pixels, 1, 8, 8)).Message.ShouldContain("Expected 64 bytes");
    }

    [Fact]
    public void Encode_TwoChannelImage_IsRejected()
    {
        using Tensor image = zeros(2, 8, 8);

        Should.Throw<ArgumentException>(() => PngWriter.Encode(image)).Message.ShouldContain("2-channel");
    }
}
