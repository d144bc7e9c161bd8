namespace Dcgan.Contracts;

/// <summary>Event: a training job finished and its artifacts are stored.</summary>
public sealed record TrainingCompleted
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>Steps trained.</summary>
    public long Steps { get; init; }

    /// <summary>Epochs trained.</summary>
    public int Epochs { get; init; }

    /// <summary>Discriminator loss of the last step.</summary>
    public float FinalDiscriminatorLoss { get; init; }

    /// <summary>Generator loss of the last step.</summary>
    public float FinalGeneratorLoss { get; init; }

    /// <summary>Training throughput in images per second.</summary>
    public double ImagesPerSecond { get; init; }

    /// <summary>Wall-clock time of the job on the worker that finished it.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Final checkpoint, usable in <see cref="ModelReference.CheckpointPath"/>.</summary>
    public required ArtifactLocation Checkpoint { get; init; }

    /// <summary>Manifest listing every artifact of the job with content type, size and SHA-256.</summary>
    public required ArtifactLocation Manifest { get; init; }

    /// <summary>Sample grids from the fixed noise batch, oldest first.</summary>
    public IReadOnlyList<ArtifactLocation> SampleGrids { get; init; } = [];

    /// <summary>Loss history as CSV.</summary>
    public ArtifactLocation? LossHistory { get; init; }

    /// <summary>Loss history drawn as PNG.</summary>
    public ArtifactLocation? LossPlot { get; init; }

    /// <summary>Score of the checkpoint with the lowest Fréchet distance, or null when the job was not scored.</summary>
    public GeneratorScore? BestScore { get; init; }

    /// <summary>
    /// Copy of the checkpoint of <see cref="BestScore"/>, usable in <see cref="ModelReference.CheckpointPath"/>, or null
    /// when the job was not scored.
    /// </summary>
    public ArtifactLocation? BestCheckpoint { get; init; }

    /// <summary>True when the job had already finished and this event repeats its result.</summary>
    public bool IsReplay { get; init; }
}
