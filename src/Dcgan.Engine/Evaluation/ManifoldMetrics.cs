using static TorchSharp.torch;

namespace Dcgan.Engine.Evaluation;

/// <summary>
/// Precision and recall of a generated set by k-nearest-neighbour manifolds (Kynkäänniemi et al. 2019, "Improved
/// precision and recall metric for assessing generative models"). Each sample of a set is the centre of a ball
/// whose radius is the distance to its k-th nearest neighbour in that set, and the manifold is the union of the
/// balls. Precision is the fraction of generated samples inside the real manifold; recall is the fraction of real
/// samples inside the generated manifold.
/// </summary>
public static class ManifoldMetrics
{
    /// <summary>Neighbour count used by Kynkäänniemi et al. 2019.</summary>
    public const int DefaultNeighbourCount = 3;

    private const int RowChunk = 512;

    /// <summary>Returns the precision and recall of <paramref name="generated"/> against <paramref name="real"/>.</summary>
    /// <param name="real">Real features, N×D, with more than <paramref name="neighbourCount"/> rows.</param>
    /// <param name="generated">Generated features, M×D, with more than <paramref name="neighbourCount"/> rows.</param>
    /// <param name="neighbourCount">k: the rank of the neighbour whose distance is a sample's radius.</param>
    /// <exception cref="ArgumentException">A set has too few rows, or the sets differ in dimension.</exception>
    public static PrecisionRecall Compute(Tensor real, Tensor generated, int neighbourCount = DefaultNeighbourCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbourCount, 1);
        CheckFeatures(real, neighbourCount, nameof(real));
        CheckFeatures(generated, neighbourCount, nameof(generated));
        if (real.shape[1] != generated.shape[1])
        {
            throw new ArgumentException(
                $"The feature sets differ in dimension: {real.shape[1]} and {generated.shape[1]}.", nameof(generated));
        }

        using var scope = NewDisposeScope();
        Tensor realValues = real.to_type(ScalarType.Float64);
        Tensor generatedValues = generated.to_type(ScalarType.Float64);
        Tensor realRadii = NeighbourRadii(realValues, neighbourCount);
        Tensor generatedRadii = NeighbourRadii(generatedValues, neighbourCount);
        double precision = FractionInside(generatedValues, realValues, realRadii);
        double recall = FractionInside(realValues, generatedValues, generatedRadii);
        return new PrecisionRecall(precision, recall);
    }

    // Row i's nearest neighbour in its own set is itself at distance 0, so the k-th other sample is at rank k + 1.
    private static Tensor NeighbourRadii(Tensor samples, int neighbourCount)
    {
        var radii = new List<Tensor>();
        for (long start = 0; start < samples.shape[0]; start += RowChunk)
        {
            long size = Math.Min(RowChunk, samples.shape[0] - start);
            Tensor distances = cdist(samples.narrow(0, start, size), samples);
            (Tensor values, Tensor _) = distances.topk(neighbourCount + 1, dim: 1, largest: false);
            radii.Add(values.select(1, neighbourCount));
        }

        return cat(radii, 0);
    }

    private static double FractionInside(Tensor queries, Tensor centres, Tensor radii)
    {
        long inside = 0;
        Tensor rowRadii = radii.unsqueeze(0);
        for (long start = 0; start < queries.shape[0]; start += RowChunk)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(RowChunk, queries.shape[0] - start);
            Tensor distances = cdist(queries.narrow(0, start, size), centres);
            inside += distances.le(rowRadii).any(1).sum().item<long>();
        }

        return (double)inside / queries.shape[0];
    }

    private static void CheckFeatures(Tensor features, int neighbourCount, string parameterName)
    {
        if (features.dim() != 2 || features.shape[0] <= neighbourCount)
        {
            throw new ArgumentException(
                $"A feature set must be N×D with N > k = {neighbourCount}, but its shape is " +
                $"[{string.Join(", ", features.shape)}].",
                parameterName);
        }
    }
}
