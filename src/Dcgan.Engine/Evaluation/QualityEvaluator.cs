using Dcgan.Engine.Data;
using Dcgan.Engine.Imaging;
using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Evaluation;

/// <summary>
/// Scores image sets against real images with a <see cref="FeatureClassifier"/>: Fréchet distance, and precision and
/// recall by k-NN manifolds. It also produces the images of the ceiling reference point, an untrained generator.
/// </summary>
public static class QualityEvaluator
{
    private const int SampleBatchSize = 500;

    /// <summary>Scores <paramref name="images"/> against the features of the real images.</summary>
    /// <param name="classifier">Classifier whose feature layer defines the space.</param>
    /// <param name="realFeatures">Features of the real images, from <see cref="FeatureExtractor.Extract"/>.</param>
    /// <param name="images">Images to score, more than <paramref name="neighbourCount"/> of them.</param>
    /// <param name="neighbourCount">k of the k-NN manifolds.</param>
    public static QualityScore Score(
        FeatureClassifier classifier,
        Tensor realFeatures,
        ImageData images,
        int neighbourCount = ManifoldMetrics.DefaultNeighbourCount)
    {
        using Tensor features = FeatureExtractor.Extract(classifier, images);
        double distance = FrechetDistance.Compute(features, realFeatures);
        PrecisionRecall precisionRecall = ManifoldMetrics.Compute(realFeatures, features, neighbourCount);
        return new QualityScore(
            distance, precisionRecall.Precision, precisionRecall.Recall, images.Count, (int)realFeatures.shape[0]);
    }

    /// <summary>
    /// Returns <paramref name="count"/> 32×32 grayscale images of a DCGAN generator with the default
    /// <see cref="ModelConfig"/> right after DCGAN initialisation (weights from N(0, 0.02)), quantised to 8 bits as
    /// PNG files would be. They are the ceiling reference point: what a generator scores before any training.
    /// </summary>
    public static ImageData UntrainedGeneratorImages(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var generator = new DcganGenerator(new ModelConfig());
        using (var weights = new torch.Generator((ulong)seed, CPU))
        {
            WeightInitializer.Apply(generator, 0.02, weights);
        }

        return GeneratorImages(generator, count, seed, CPU);
    }

    /// <summary>
    /// Returns <paramref name="count"/> images of <paramref name="generator"/>, drawn in eval mode from the noise of
    /// <paramref name="seed"/> as <see cref="ImageSampler.Generate"/> draws it, and quantised to 8 bits as PNG files
    /// would be. The generator's training mode and every random generator outside this call are left unchanged.
    /// </summary>
    /// <param name="generator">Generator to sample, on <paramref name="device"/>.</param>
    /// <param name="count">Number of images, 1 or more.</param>
    /// <param name="seed">Seed of the noise: the same seed gives the same noise whatever the count.</param>
    /// <param name="device">Device the noise is moved to.</param>
    public static ImageData GeneratorImages(DcganGenerator generator, int count, long seed, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ModelConfig config = generator.Config;
        int imageLength = config.Channels * config.ImageSize * config.ImageSize;
        var pixels = new byte[(long)count * imageLength];
        int written = 0;
        foreach (Tensor batch in ImageSampler.Generate(generator, count, seed, SampleBatchSize, device))
        {
            using (batch)
            {
                byte[] bytes = PngWriter.ToBytes(batch);
                Array.Copy(bytes, 0, pixels, (long)written * imageLength, bytes.Length);
                written += (int)batch.shape[0];
            }
        }

        return new ImageData(pixels, count, config.Channels, config.ImageSize, config.ImageSize);
    }
}
