namespace Dcgan.Contracts;

/// <summary>
/// Training data: a built-in data set by name, or the caller's own PNG/JPEG images stored in the worker's
/// data-set container, either under a blob prefix or inside one zip blob.
/// </summary>
public sealed record DatasetReference
{
    /// <summary>How <see cref="Name"/> is read.</summary>
    public required DatasetKind Kind { get; init; }

    /// <summary>
    /// For <see cref="DatasetKind.BuiltIn"/>: "fashion-mnist" or "mnist". For <see cref="DatasetKind.BlobPrefix"/>:
    /// a prefix such as "sketches/2026/". For <see cref="DatasetKind.ZipBlob"/>: a blob name such as "sketches.zip".
    /// Blob names are relative to the worker's data-set container; URLs are rejected.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>Use at most this many images (default: all).</summary>
    public int? MaxImages { get; init; }

    /// <summary>Built-in Fashion-MNIST, the reference data set.</summary>
    public static DatasetReference FashionMnist(int? maxImages = null) =>
        new() { Kind = DatasetKind.BuiltIn, Name = "fashion-mnist", MaxImages = maxImages };
}
