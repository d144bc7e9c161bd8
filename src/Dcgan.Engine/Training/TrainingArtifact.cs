namespace Dcgan.Engine.Training;

/// <summary>A file the trainer has finished writing.</summary>
/// <param name="Kind">What the file holds.</param>
/// <param name="LocalPath">Full path of the file.</param>
/// <param name="RelativePath">Path under the output folder with '/' separators, such as "checkpoints/final.ckpt".</param>
/// <param name="Step">Step the file reflects.</param>
public sealed record TrainingArtifact(TrainingArtifactKind Kind, string LocalPath, string RelativePath, long Step)
{
    /// <summary>Score of the checkpoint for <see cref="TrainingArtifactKind.BestCheckpoint"/>, null for other kinds.</summary>
    public CheckpointScore? Score { get; init; }
}
