using Dcgan.Engine.Models;
using static TorchSharp.torch;

namespace Dcgan.Engine.Sampling;

/// <summary>
/// Draws images from a generator in eval mode under no-grad, so BatchNorm uses its running statistics and an
/// image does not depend on the other images of its batch.
/// </summary>
public static class ImageSampler
{
    /// <summary>Generates one image per noise vector, returned on the CPU as floats in [-1, 1].</summary>
    public static Tensor Sample(DcganGenerator generator, Tensor noise)
    {
        bool wasTraining = generator.training;
        generator.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return generator.forward(noise).cpu().MoveToOuterDisposeScope();
        }
        finally
        {
            if (wasTraining)
            {
                generator.train();
            }
        }
    }

    /// <summary>
    /// Generates <paramref name="count"/> images from noise seeded with <paramref name="seed"/>, in batches of
    /// <paramref name="batchSize"/>. The same seed and count give the same images whatever the batch size.
    /// </summary>
    public static IEnumerable<Tensor> Generate(DcganGenerator generator, int count, long seed, int batchSize, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var noiseGenerator = new TorchSharp.torch.Generator((ulong)seed, CPU);
        int latentSize = generator.Config.LatentSize;
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            using Tensor noise = randn([size, latentSize, 1, 1], generator: noiseGenerator);
            using Tensor onDevice = noise.to(device);
            yield return Sample(generator, onDevice);
        }
    }
}
