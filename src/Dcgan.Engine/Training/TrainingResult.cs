namespace Dcgan.Engine.Training;

/// <summary>Outcome of a finished training run and where its files are.</summary>
public sealed record TrainingResult(
    long Steps,
    int Epochs,
    float FinalDiscriminatorLoss,
    float FinalGeneratorLoss,
    double ImagesPerSecond,
    TimeSpan Duration,
    string FinalCheckpointPath,
    string LossHistoryPath,
    string LossPlotPath,
    IReadOnlyList<string> SampleGridPaths);
