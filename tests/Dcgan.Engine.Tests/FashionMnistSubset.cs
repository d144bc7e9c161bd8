using Dcgan.Engine.Data;

namespace Dcgan.Engine.Tests;

/// <summary>The first images of the real Fashion-MNIST training set, read once per test run.</summary>
internal static class FashionMnistSubset
{
    private static readonly Lazy<ImageData> Images = new(() =>
        IdxReader.ReadImages(FashionMnist.Locate(null).TrainImages, 2048));

    public static ImageData First(int count)
    {
        ImageData all = Images.Value;
        var pixels = new byte[count * all.ImageLength];
        Array.Copy(all.Pixels, pixels, pixels.Length);
        return all with { Pixels = pixels, Count = count };
    }
}
