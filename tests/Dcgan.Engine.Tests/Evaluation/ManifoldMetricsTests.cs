using Dcgan.Engine.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Evaluation;

public sealed class ManifoldMetricsTests
{
    [Fact]
    public void Compute_IdenticalSets_ReturnsOneAndOne()
    {
        using var generator = new Generator(3, CPU);
        using Tensor features = randn([300, 8], ScalarType.Float64, generator: generator);

        PrecisionRecall result = ManifoldMetrics.Compute(features, features);

        result.Precision.ShouldBe(1.0);
        result.Recall.ShouldBe(1.0);
    }

    [Fact]
    public void Compute_DisjointSets_ReturnsZeroAndZero()
    {
        using var generator = new Generator(4, CPU);
        using Scalar offset = 1000.0.ToScalar();
        using Tensor real = randn([200, 8], ScalarType.Float64, generator: generator);
        using Tensor generated = randn([200, 8], ScalarType.Float64, generator: generator).add_(offset, offset);

        PrecisionRecall result = ManifoldMetrics.Compute(real, generated);

        result.Precision.ShouldBe(0.0);
        result.Recall.ShouldBe(0.0);
    }

    [Fact]
    public void Compute_OneOfTwoModes_HalvesRecallOnly()
    {
        using var generator = new Generator(5, CPU);
        using Scalar offset = 1000.0.ToScalar();
        using Tensor modeA = randn([150, 8], ScalarType.Float64, generator: generator);
        using Tensor modeB = randn([150, 8], ScalarType.Float64, generator: generator).add_(offset, offset);
        using Tensor real = cat([modeA, modeB], 0);

        // Generated samples that copy mode A exactly: all lie in the real manifold, and only mode A's real samples
        // lie in theirs.
        PrecisionRecall result = ManifoldMetrics.Compute(real, modeA);

        result.Precision.ShouldBe(1.0);
        result.Recall.ShouldBe(0.5);
    }

    [Fact]
    public void Compute_NoMoreRowsThanNeighbours_Throws()
    {
        using Tensor few = zeros(3, 4, ScalarType.Float64);
        using Tensor many = zeros(10, 4, ScalarType.Float64);

        Should.Throw<ArgumentException>(() => ManifoldMetrics.Compute(few, many, neighbourCount: 3)).ParamName.ShouldBe("real");
    }
}
