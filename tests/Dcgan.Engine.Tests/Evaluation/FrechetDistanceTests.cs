using Dcgan.Engine.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Evaluation;

public sealed class FrechetDistanceTests
{
    [Fact]
    public void Compute_IdenticalSets_ReturnsNearZero()
    {
        using var generator = new Generator(7, CPU);
        using Tensor features = randn([500, 16], ScalarType.Float64, generator: generator);

        double distance = FrechetDistance.Compute(features, features);

        distance.ShouldBeLessThan(1e-9);
    }

    [Fact]
    public void FromStatistics_DiagonalGaussians_MatchesClosedForm()
    {
        double[] variances1 = [1.0, 4.0, 9.0];
        double[] variances2 = [4.0, 1.0, 16.0];
        using Tensor mean1 = tensor(new[] { 0.0, 1.0, 2.0 });
        using Tensor mean2 = tensor(new[] { 1.0, 1.0, 0.0 });
        using Tensor covariance1 = diag(tensor(variances1));
        using Tensor covariance2 = diag(tensor(variances2));

        // |μ₁ − μ₂|² = 1 + 0 + 4, and for diagonal covariances the trace term is Σ (σ₁ − σ₂)² = 1 + 1 + 1.
        double distance = FrechetDistance.FromStatistics(mean1, covariance1, mean2, covariance2);

        distance.ShouldBe(8.0, 8.0 * 1e-9);
    }

    [Fact]
    public void FromStatistics_NonCommutingCovariances_MatchesClosedForm()
    {
        double[,] values1 = { { 2.0, 0.5 }, { 0.5, 1.0 } };
        double[,] values2 = { { 1.0, -0.3 }, { -0.3, 3.0 } };
        using Tensor covariance1 = tensor(values1);
        using Tensor covariance2 = tensor(values2);
        using Tensor zeroMean = zeros(2, ScalarType.Float64);

        // For a 2×2 matrix M with positive eigenvalues, tr √M = √(tr M + 2 √det M).
        double productTrace = (2.0 * 1.0) + (0.5 * -0.3) + (0.5 * -0.3) + (1.0 * 3.0);
        double productDeterminant = ((2.0 * 1.0) - (0.5 * 0.5)) * ((1.0 * 3.0) - (0.3 * 0.3));
        double traceOfRoot = Math.Sqrt(productTrace + (2.0 * Math.Sqrt(productDeterminant)));
        double expected = 3.0 + 4.0 - (2.0 * traceOfRoot);

        double distance = FrechetDistance.FromStatistics(zeroMean, covariance1, zeroMean, covariance2);

        distance.ShouldBe(expected, Math.Abs(expected) * 1e-9);
    }

    [Fact]
    public void Compute_SampledGaussians_ApproachesClosedForm()
    {
        using var generator = new Generator(11, CPU);
        using Scalar shift = 2.0.ToScalar();
        using Scalar scale = 3.0.ToScalar();
        using Tensor first = randn([20_000, 4], ScalarType.Float64, generator: generator);
        using Tensor second = randn([20_000, 4], ScalarType.Float64, generator: generator).mul_(scale).add_(shift, shift);

        // N(0, I) against N(4·1, 9 I) in 4 dimensions: |μ₁ − μ₂|² = 4 · 16, trace term 4 · (1 − 3)².
        double distance = FrechetDistance.Compute(first, second);

        distance.ShouldBe(80.0, 80.0 * 0.03);
    }

    [Fact]
    public void Compute_SingleRow_Throws()
    {
        using Tensor singleRow = zeros(1, 4, ScalarType.Float64);
        using Tensor many = zeros(5, 4, ScalarType.Float64);

        Should.Throw<ArgumentException>(() => FrechetDistance.Compute(singleRow, many)).ParamName.ShouldBe("first");
    }

    [Fact]
    public void Compute_DifferentDimensions_Throws()
    {
        using Tensor narrow = zeros(5, 3, ScalarType.Float64);
        using Tensor wide = zeros(5, 4, ScalarType.Float64);

        Should.Throw<ArgumentException>(() => FrechetDistance.Compute(narrow, wide)).ParamName.ShouldBe("second");
    }
}
