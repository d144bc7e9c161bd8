namespace Dcgan.Engine.Evaluation;

/// <summary>Metadata stored with the weights of a <see cref="FeatureClassifier"/>.</summary>
public sealed record ClassifierInfo
{
    /// <summary>
    /// Name of this set of weights, such as <c>fashion-mnist-cnn-1</c>. Scores are comparable only between runs
    /// that used the same version, so a retrained classifier gets a new one.
    /// </summary>
    public required string Version { get; init; }

    /// <summary>Data set the classifier was trained on, such as <c>fashion-mnist</c>.</summary>
    public required string Dataset { get; init; }

    /// <summary>Fraction of the data set's test images classified correctly, 0 to 1.</summary>
    public double TestAccuracy { get; init; }

    /// <summary>Passes over the training images.</summary>
    public int Epochs { get; init; }

    /// <summary>Seed of the training run.</summary>
    public long Seed { get; init; }

    /// <summary>Number of training images.</summary>
    public int TrainingImages { get; init; }

    /// <summary>
    /// SHA-256 of the serialized weights, as lowercase hex. <see cref="ClassifierFile.Save"/> sets it and
    /// <see cref="ClassifierFile.Load"/> checks it.
    /// </summary>
    public string WeightsSha256 { get; init; } = "";
}
