using System.Text.Json;
using Dcgan.Contracts;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Record of a finished job, stored as JSON at <see cref="ArtifactPaths.Manifest"/>: the command, summary figures and
/// every artifact with content type, size and SHA-256. It is written after all listed artifacts are stored.
/// </summary>
public sealed record JobManifest
{
    /// <summary>Value of <see cref="Status"/> for a job whose artifacts are all stored.</summary>
    public const string CompletedStatus = "completed";

    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>Training or generation, serialized as "training" or "generation".</summary>
    public required JobKind Kind { get; init; }

    /// <summary>Job state when the manifest was written. Only <see cref="CompletedStatus"/> is written.</summary>
    public string Status { get; init; } = CompletedStatus;

    /// <summary>When the manifest was written.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The command that started the job, as received.</summary>
    public JsonElement? Command { get; init; }

    /// <summary>Training steps completed, or null for generation jobs.</summary>
    public long? Steps { get; init; }

    /// <summary>Epochs trained, or null for generation jobs.</summary>
    public int? Epochs { get; init; }

    /// <summary>Discriminator loss of the last training step.</summary>
    public double? FinalDiscriminatorLoss { get; init; }

    /// <summary>Generator loss of the last training step.</summary>
    public double? FinalGeneratorLoss { get; init; }

    /// <summary>Wall-clock time of the job in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Images generated, or null for training jobs.</summary>
    public int? ImageCount { get; init; }

    /// <summary>Throughput in images per second: training images processed, or images generated.</summary>
    public double? ImagesPerSecond { get; init; }

    /// <summary>Scores of the generator at each checkpoint in step order, or null when the job was not scored.</summary>
    public IReadOnlyList<GeneratorScore>? Scores { get; init; }

    /// <summary>
    /// The checkpoint with the lowest Fréchet distance, which <see cref="Artifacts"/> lists, or null when the job was
    /// not scored.
    /// </summary>
    public BestCheckpointEntry? BestCheckpoint { get; init; }

    /// <summary>Every artifact of the job except the manifest itself.</summary>
    public IReadOnlyList<ManifestEntry> Artifacts { get; init; } = [];
}
