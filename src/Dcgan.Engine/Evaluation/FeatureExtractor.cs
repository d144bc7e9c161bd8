using Dcgan.Engine.Data;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Engine.Evaluation;

/// <summary>Computes the <see cref="FeatureClassifier"/> features of a set of images.</summary>
public static class FeatureExtractor
{
    /// <summary>Default number of images per forward pass.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>
    /// Returns the features of <paramref name="images"/> as an N×<see cref="FeatureClassifier.FeatureSize"/> float64
    /// tensor on the CPU, which the caller disposes. Images are converted to 32×32 grayscale as for GAN training:
    /// 28×28 is padded with black, other sizes are resized, and RGB is reduced to luma.
    /// </summary>
    public static Tensor Extract(FeatureClassifier classifier, ImageData images, int batchSize = DefaultBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using TrainingData data = TrainingData.Create(images, FeatureClassifier.ImageSize, 1, CPU);
        classifier.eval();
        using var noGrad = no_grad();
        var chunks = new List<Tensor>();
        try
        {
            for (int start = 0; start < data.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int size = Math.Min(batchSize, data.Count - start);
                Tensor batch = data.Batch(arange(start, start + size, ScalarType.Int64));
                chunks.Add(classifier.Features(batch).to_type(ScalarType.Float64).MoveToOuterDisposeScope());
            }

            return cat(chunks, 0);
        }
        finally
        {
            foreach (Tensor chunk in chunks)
            {
                chunk.Dispose();
            }
        }
    }
}
