namespace Dcgan.Contracts;

/// <summary>
/// Command to train a DCGAN. Sending the same <see cref="JobId"/> again does not train twice: a running job keeps
/// running and a finished job has its completion event published again.
/// </summary>
public sealed record TrainModel
{
    /// <summary>Client-chosen job id and idempotency key: 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'.</summary>
    public required string JobId { get; init; }

    /// <summary>Images to train on.</summary>
    public required DatasetReference Dataset { get; init; }

    /// <summary>Network shape and hyperparameters; null fields take the worker's defaults.</summary>
    public TrainingSettings Settings { get; init; } = new();
}
