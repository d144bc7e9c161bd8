namespace Dcgan.Engine.Training;

/// <summary>
/// Quality of the generator at one checkpoint: its images scored against the training images in the feature space
/// of a scoring classifier.
/// </summary>
/// <param name="Step">Step of the checkpoint.</param>
/// <param name="FrechetDistance">Fréchet distance between the two feature sets, where lower is better.</param>
/// <param name="Precision">Fraction of the generated images inside the k-NN manifold of the training images.</param>
/// <param name="Recall">Fraction of the training images inside the k-NN manifold of the generated images.</param>
/// <param name="ClassifierVersion">
/// Version of the classifier weights. Scores are comparable only when they share a version.
/// </param>
public sealed record CheckpointScore(
    long Step,
    double FrechetDistance,
    double Precision,
    double Recall,
    string ClassifierVersion);
