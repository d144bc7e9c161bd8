using Dcgan.Engine.Training;

namespace Dcgan.Engine.Checkpoints;

/// <summary>Metadata stored in a checkpoint beside the tensors.</summary>
public sealed record CheckpointInfo
{
    /// <summary>Version of the checkpoint layout; readers reject versions they do not know.</summary>
    public int FormatVersion { get; init; } = CheckpointFile.CurrentFormatVersion;

    /// <summary>Steps completed when the checkpoint was written.</summary>
    public long Step { get; init; }

    /// <summary>Epoch (from 0) of the last completed step.</summary>
    public int Epoch { get; init; }

    /// <summary>Configuration of the run, including the model shape.</summary>
    public TrainingConfig Config { get; init; } = new();

    /// <summary>Discriminator loss of the last step, or NaN before the first step.</summary>
    public float DiscriminatorLoss { get; init; } = float.NaN;

    /// <summary>Generator loss of the last step, or NaN before the first step.</summary>
    public float GeneratorLoss { get; init; } = float.NaN;

    /// <summary>When the checkpoint was written.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
