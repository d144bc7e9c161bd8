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
    IReadOnlyList<string> SampleGridPaths)
{
    /// <summary>
    /// Checkpoint scores in step order, those of earlier runs of a resumed job included, or an empty list when
    /// scoring is off.
    /// </summary>
    public IReadOnlyList<CheckpointScore> Scores { get; init; } = [];

    /// <summary>
    /// Score with the lowest Fréchet distance among <see cref="Scores"/> of the current classifier version, or null
    /// when scoring is off.
    /// </summary>
    public CheckpointScore? BestScore { get; init; }

    /// <summary>
    /// Path of <c>checkpoints/best.ckpt</c>, the copy of the checkpoint of <see cref="BestScore"/>, or null when
    /// scoring is off. When the best score came from before a resume, the copy is in the output folder of that earlier
    /// run, so the file exists only when the run resumed in the same folder.
    /// </summary>
    public string? BestCheckpointPath { get; init; }

    /// <summary>Path of <c>scores.csv</c>, or null when scoring is off.</summary>
    public string? ScoreHistoryPath { get; init; }
}
