namespace Dcgan.Contracts;

/// <summary>
/// Quality of a training job's generator at one checkpoint: its generated images scored against the training images
/// in the feature space of the worker's scoring classifier. This Fréchet distance is not an Inception FID, so compare
/// it only with scores of the same <see cref="ClassifierVersion"/>.
/// </summary>
public sealed record GeneratorScore
{
    /// <summary>Step of the checkpoint.</summary>
    public long Step { get; init; }

    /// <summary>Fréchet distance between the features of the generated and the training images. Lower is better.</summary>
    public double FrechetDistance { get; init; }

    /// <summary>Fraction of the generated images inside the k-NN manifold of the training images (k = 3), 0 to 1.</summary>
    public double Precision { get; init; }

    /// <summary>Fraction of the training images inside the k-NN manifold of the generated images (k = 3), 0 to 1.</summary>
    public double Recall { get; init; }

    /// <summary>Version of the classifier weights, such as "fashion-mnist-cnn-1".</summary>
    public required string ClassifierVersion { get; init; }
}
