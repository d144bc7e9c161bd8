namespace Dcgan.Contracts;

/// <summary>
/// Command to generate images with a trained generator. The same model, seed and count give the same images.
/// </summary>
public sealed record GenerateImages
{
    /// <summary>Client-chosen job id and idempotency key: 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'.</summary>
    public required string JobId { get; init; }

    /// <summary>Generator to sample from.</summary>
    public required ModelReference Model { get; init; }

    /// <summary>Number of images, 1 to the worker's configured maximum (10000 by default).</summary>
    public int Count { get; init; } = 64;

    /// <summary>Seed of the noise.</summary>
    public long Seed { get; init; } = 1;
}
