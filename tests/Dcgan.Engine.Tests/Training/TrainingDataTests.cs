using Dcgan.Engine.Data;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Training;

public sealed class TrainingDataTests
{
    [Fact]
    public void Create_28PixelImagesAt32_PadsWithBlackBorder()
    {
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(8), 32, 1, CPU);
        using Tensor indices = arange(8);

        using Tensor batch = data.Batch(indices);

        batch.shape.ShouldBe([8L, 1, 32, 32]);
        batch[.., .., ..2, ..].max().item<float>().ShouldBe(-1f);
        batch[.., .., 2..30, 2..30].max().item<float>().ShouldBeGreaterThan(0.9f);
    }

    [Fact]
    public void Create_GrayscaleAt64By3_ResizesAndRepeatsChannels()
    {
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(4), 64, 3, CPU);
        using Tensor indices = arange(4);

        using Tensor batch = data.Batch(indices);

        batch.shape.ShouldBe([4L, 3, 64, 64]);
        batch[.., 0].allclose(batch[.., 2]).ShouldBeTrue();
        batch.min().item<float>().ShouldBeGreaterThanOrEqualTo(-1f);
        batch.max().item<float>().ShouldBeLessThanOrEqualTo(1f);
    }

    [Fact]
    public void Create_RgbToGrayscale_UsesLumaWeights()
    {
        byte[] pixels = new byte[3 * 16 * 16];
        Array.Fill(pixels, (byte)255, 0, 16 * 16);
        var red = new ImageData(pixels, 1, 3, 16, 16);

        using TrainingData data = TrainingData.Create(red, 16, 1, CPU);
        using Tensor indices = arange(1);
        using Tensor batch = data.Batch(indices);

        float expected = MathF.Round(0.299f * 255) * 2 / 255 - 1;
        batch.mean().item<float>().ShouldBe(expected, 1e-4f);
    }
}
