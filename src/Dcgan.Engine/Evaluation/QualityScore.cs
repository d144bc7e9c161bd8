namespace Dcgan.Engine.Evaluation;

/// <summary>Scores of one image set against a real set in the feature space of a <see cref="FeatureClassifier"/>.</summary>
/// <param name="FrechetDistance">Fréchet distance between the two feature sets; 0 for identical distributions.</param>
/// <param name="Precision">Fraction of scored images inside the k-NN manifold of the real images.</param>
/// <param name="Recall">Fraction of real images inside the k-NN manifold of the scored images.</param>
/// <param name="ImageCount">Number of scored images.</param>
/// <param name="RealCount">Number of real images.</param>
public sealed record QualityScore(double FrechetDistance, double Precision, double Recall, int ImageCount, int RealCount);
