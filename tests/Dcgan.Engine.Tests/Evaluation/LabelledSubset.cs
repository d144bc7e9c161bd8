using Dcgan.Engine.Data;

namespace Dcgan.Engine.Tests.Evaluation;

/// <summary>Slices of the first 2,048 Fashion-MNIST training images with their labels, read once per test run.</summary>
internal static class LabelledSubset
{
    private const int Available = 2048;

    private static readonly Lazy<byte[]> Labels = new(() =>
        IdxReader.ReadLabels(FashionMnist.Locate(null).TrainLabels, Available));

    public static (ImageData Images, byte[] Labels) Take(int start, int count)
    {
        ImageData all = FashionMnistSubset.First(start + count);
        var pixels = new byte[count * all.ImageLength];
        Array.Copy(all.Pixels, (long)start * all.ImageLength, pixels, 0, pixels.Length);
        return (all with { Pixels = pixels, Count = count }, Labels.Value[start..(start + count)]);
    }
}
