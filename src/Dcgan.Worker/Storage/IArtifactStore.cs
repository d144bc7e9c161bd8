namespace Dcgan.Worker.Storage;

/// <summary>
/// Where job artifacts live: a local folder in embedded mode, Azure Blob Storage when distributed. Paths are
/// '/'-separated names relative to the store, built only from validated job ids and fixed names.
/// </summary>
public interface IArtifactStore
{
    /// <summary>
    /// Stores <paramref name="content"/> at <paramref name="path"/>, replacing what was there, and returns its size and
    /// SHA-256. The artifact becomes visible only once complete.
    /// </summary>
    Task<StoredArtifact> UploadAsync(string path, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>Stores a local file; see <see cref="UploadAsync(string, Stream, string, CancellationToken)"/>.</summary>
    Task<StoredArtifact> UploadFileAsync(string path, string localFile, string contentType, CancellationToken cancellationToken);

    /// <summary>Copies the artifact at <paramref name="path"/> to <paramref name="localFile"/>; false when it does not exist.</summary>
    Task<bool> TryDownloadToFileAsync(string path, string localFile, CancellationToken cancellationToken);

    /// <summary>Reads a whole small artifact (manifests, JSON); null when it does not exist.</summary>
    Task<byte[]?> TryReadAllBytesAsync(string path, CancellationToken cancellationToken);

    /// <summary>Lists artifact paths that start with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the artifact at <paramref name="path"/> if it exists.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Full address of <paramref name="path"/>, for events: a blob URL or a file URI.</summary>
    Uri GetUri(string path);
}
