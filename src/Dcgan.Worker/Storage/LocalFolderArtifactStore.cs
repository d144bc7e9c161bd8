using System.Security.Cryptography;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Artifact store on a local folder, for embedded mode. Writes go to a hidden temporary file that is renamed into
/// place once complete, and every path is resolved under the root folder, rejecting any that would leave it.
/// </summary>
/// <remarks>Content types are returned to the caller but not stored, because the manifest records them.</remarks>
internal sealed class LocalFolderArtifactStore(string rootFolder) : IArtifactStore
{
    private const string PathLabel = "Artifact path";

    private readonly RootedFolder folder = new(rootFolder);

    /// <summary>Absolute path of the root folder.</summary>
    public string Root => folder.Root;

    public async Task<StoredArtifact> UploadAsync(
        string path,
        Stream content,
        string contentType,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        string target = folder.Resolve(path, PathLabel);

        using IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = await AtomicFile.WriteAsync(
            target,
            (stream, token) => StreamCopy.CopyHashingAsync(content, stream, [sha256], token),
            cancellationToken);
        return new StoredArtifact(path, contentType, size, Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }

    public async Task<StoredArtifact> UploadFileAsync(
        string path,
        string localFile,
        string contentType,
        CancellationToken cancellationToken)
    {
        await using FileStream content = OpenForReading(localFile);
        return await UploadAsync(path, content, contentType, cancellationToken);
    }

    public Task<bool> TryDownloadToFileAsync(string path, string localFile, CancellationToken cancellationToken) =>
        folder.TryCopyToFileAsync(path, PathLabel, localFile, long.MaxValue, cancellationToken);

    public async Task<byte[]?> TryReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        string source = folder.Resolve(path, PathLabel);
        try
        {
            return await File.ReadAllBytesAsync(source, cancellationToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        IReadOnlyList<(string Name, long Size)> files = folder.List(prefix, "Artifact prefix", cancellationToken);
        IReadOnlyList<string> names = [.. files.Select(file => file.Name)];
        return Task.FromResult(names);
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string target = folder.Resolve(path, PathLabel);
        try
        {
            File.Delete(target);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing to delete: the artifact's folder does not exist either.
        }

        return Task.CompletedTask;
    }

    public Uri GetUri(string path) => new(folder.Resolve(path, PathLabel));

    private static FileStream OpenForReading(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, useAsync: true);
}
