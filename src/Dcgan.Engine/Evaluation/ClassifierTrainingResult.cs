namespace Dcgan.Engine.Evaluation;

/// <summary>Outcome of <see cref="ClassifierTrainer.Train"/>.</summary>
/// <param name="Classifier">Trained network, in eval mode; the caller disposes it.</param>
/// <param name="EpochLosses">Mean cross-entropy loss over the training batches of each epoch.</param>
/// <param name="TestAccuracy">Fraction of test images classified correctly, 0 to 1.</param>
/// <param name="Duration">Wall-clock time of training and testing.</param>
public sealed record ClassifierTrainingResult(
    FeatureClassifier Classifier,
    IReadOnlyList<double> EpochLosses,
    double TestAccuracy,
    TimeSpan Duration);
