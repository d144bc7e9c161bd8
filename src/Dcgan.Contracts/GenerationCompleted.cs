namespace Dcgan.Contracts;

/// <summary>Event: a generation job finished and its images are stored.</summary>
public sealed record GenerationCompleted
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>Number of images generated.</summary>
    public int ImageCount { get; init; }

    /// <summary>Each image as PNG, in order.</summary>
    public IReadOnlyList<ArtifactLocation> Images { get; init; } = [];

    /// <summary>All images in one PNG grid.</summary>
    public ArtifactLocation? Grid { get; init; }

    /// <summary>Manifest listing every artifact of the job with content type, size and SHA-256.</summary>
    public required ArtifactLocation Manifest { get; init; }

    /// <summary>Wall-clock time of the job.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Throughput from model load to the last stored image, in images per second.</summary>
    public double ImagesPerSecond { get; init; }

    /// <summary>True when the job had already finished and this event repeats its result.</summary>
    public bool IsReplay { get; init; }
}
