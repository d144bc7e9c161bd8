namespace Dcgan.Contracts;

/// <summary>
/// A trained generator: the final checkpoint of a training job, or a checkpoint blob in the worker's model
/// container. Exactly one of the two is set.
/// </summary>
public sealed record ModelReference
{
    /// <summary>Id of a completed training job; its final checkpoint is used.</summary>
    public string? TrainingJobId { get; init; }

    /// <summary>
    /// Checkpoint blob name relative to the model container, for example "jobs/abc/checkpoints/final.ckpt", or a
    /// generator state dict saved by PyTorch, named "*.pth", "*.pt" or "*.safetensors".
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>The final checkpoint of training job <paramref name="jobId"/>.</summary>
    public static ModelReference FromTrainingJob(string jobId) => new() { TrainingJobId = jobId };
}
