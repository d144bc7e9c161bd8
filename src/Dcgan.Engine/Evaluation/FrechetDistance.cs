using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Evaluation;

/// <summary>
/// Fréchet distance between two sets of feature vectors, each modelled as a Gaussian with the set's mean and
/// covariance: d² = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½) (Heusel et al. 2017, "GANs trained by a two time-scale
/// update rule converge to a local Nash equilibrium"). With Inception features this is the FID.
/// </summary>
public static class FrechetDistance
{
    private static readonly Scalar Zero = 0.0.ToScalar();
    private static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>
    /// Returns the Fréchet distance between the feature sets <paramref name="first"/> and <paramref name="second"/>,
    /// each N×D with at least 2 rows, using their means and unbiased covariances in double precision.
    /// </summary>
    /// <exception cref="ArgumentException">A set has fewer than 2 rows, or the sets differ in dimension.</exception>
    public static double Compute(Tensor first, Tensor second)
    {
        CheckFeatures(first, nameof(first));
        CheckFeatures(second, nameof(second));
        if (first.shape[1] != second.shape[1])
        {
            throw new ArgumentException(
                $"The feature sets differ in dimension: {first.shape[1]} and {second.shape[1]}.", nameof(second));
        }

        using var scope = NewDisposeScope();
        (Tensor firstMean, Tensor firstCovariance) = MeanAndCovariance(first);
        (Tensor secondMean, Tensor secondCovariance) = MeanAndCovariance(second);
        return FromStatistics(firstMean, firstCovariance, secondMean, secondCovariance);
    }

    /// <summary>
    /// Returns the Fréchet distance between the Gaussians N(<paramref name="firstMean"/>,
    /// <paramref name="firstCovariance"/>) and N(<paramref name="secondMean"/>, <paramref name="secondCovariance"/>).
    /// Covariances must be symmetric positive semi-definite D×D.
    /// </summary>
    /// <remarks>
    /// tr (Σ₁ Σ₂)^½ is computed as tr (A Σ₂ A)^½ with A = Σ₁^½: both matrices have the same eigenvalues, and A Σ₂ A is
    /// symmetric, so two symmetric eigendecompositions replace a general matrix square root. Eigenvalues that
    /// rounding makes slightly negative are set to 0, and so is a final result below 0.
    /// </remarks>
    public static double FromStatistics(Tensor firstMean, Tensor firstCovariance, Tensor secondMean, Tensor secondCovariance)
    {
        using var scope = NewDisposeScope();
        Tensor mean1 = firstMean.to_type(ScalarType.Float64);
        Tensor mean2 = secondMean.to_type(ScalarType.Float64);
        Tensor covariance1 = firstCovariance.to_type(ScalarType.Float64);
        Tensor covariance2 = secondCovariance.to_type(ScalarType.Float64);

        Tensor difference = mean1 - mean2;
        double meanTerm = difference.dot(difference).item<double>();

        (Tensor eigenvalues, Tensor eigenvectors) = linalg.eigh(Symmetrize(covariance1));
        Tensor rootValues = eigenvalues.clamp_min(Zero).sqrt();
        Tensor root1 = eigenvectors.mul(rootValues.unsqueeze(0)).matmul(eigenvectors.mT);
        Tensor product = Symmetrize(root1.matmul(covariance2).matmul(root1));
        double traceOfRoot = linalg.eigvalsh(product).clamp_min(Zero).sqrt().sum().item<double>();

        double trace1 = covariance1.trace().item<double>();
        double trace2 = covariance2.trace().item<double>();
        return Math.Max(0.0, meanTerm + trace1 + trace2 - (2.0 * traceOfRoot));
    }

    /// <summary>Returns the mean (D) and the unbiased covariance (D×D) of the N×D feature set, in double precision.</summary>
    public static (Tensor Mean, Tensor Covariance) MeanAndCovariance(Tensor features)
    {
        CheckFeatures(features, nameof(features));
        using var scope = NewDisposeScope();
        Tensor values = features.to_type(ScalarType.Float64);
        Tensor mean = values.mean([0]);
        Tensor centred = values - mean.unsqueeze(0);
        using Scalar divisor = (values.shape[0] - 1.0).ToScalar();
        Tensor covariance = centred.mT.matmul(centred).div_(divisor);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    private static Tensor Symmetrize(Tensor matrix) => (matrix + matrix.mT).mul_(Half);

    private static void CheckFeatures(Tensor features, string parameterName)
    {
        if (features.dim() != 2 || features.shape[0] < 2)
        {
            throw new ArgumentException(
                $"A feature set must be N×D with N ≥ 2, but its shape is [{string.Join(", ", features.shape)}].",
                parameterName);
        }
    }
}
