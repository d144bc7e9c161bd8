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
    /// Generates <paramref name="count"/> images in batches of <paramref name="batchSize"/>. Image i is drawn from
    /// noise seeded by <paramref name="seed"/> and i alone, so it stays the same whatever the batch size or count.
    /// </summary>
    public static IEnumerable<Tensor> Generate(DcganGenerator generator, int count, long seed, int batchSize, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            using Tensor noise = Noise(seed, start, size, generator.Config.LatentSize);
            using Tensor onDevice = noise.to(device);
            yield return Sample(generator, onDevice);
        }
    }

    /// <summary>Returns the noise of images <paramref name="first"/> to first + count - 1 for a seed, N×Z×1×1 on the CPU.</summary>
    public static Tensor Noise(long seed, int first, int count, int latentSize)
    {
        using var noiseGenerator = new TorchSharp.torch.Generator(0, CPU);
        var vectors = new Tensor[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                noiseGenerator.manual_seed(ImageSeed(seed, first + i));
                vectors[i] = randn([1, latentSize, 1, 1], generator: noiseGenerator);
            }

            return cat(vectors, 0);
        }
        finally
        {
            foreach (Tensor vector in vectors)
            {
                vector?.Dispose();
            }
        }
    }

    // SplitMix64 finaliser: spreads (seed, index) pairs over the whole seed space, so neighbouring seeds and
    // indices do not give correlated noise.
    private static long ImageSeed(long seed, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) & 0x7FFF_FFFF_FFFF_FFFFUL);
    }
}
