namespace Dcgan.Worker.Storage;

/// <summary>
/// Data sets in a local folder, for embedded mode. Names resolve under the folder, and names that would leave it,
/// directly or through a symbolic link, are rejected.
/// </summary>
internal sealed class LocalFolderDatasetSource(string rootFolder) : IDatasetSource
{
    private readonly RootedFolder folder = new(rootFolder);

    public string Location => $"folder '{folder.Root}'";

    public Task<DatasetListing> ListAsync(
        string prefix,
        Func<string, bool> include,
        int maxFiles,
        CancellationToken cancellationToken)
    {
        ArtifactPaths.ValidateRelativeBlobName(prefix, "Data-set prefix");
        (IReadOnlyList<(string Name, long Size)> listed, int otherCount) =
            folder.List(prefix, "Data-set prefix", include, maxFiles, cancellationToken);
        return Task.FromResult(new DatasetListing([.. listed.Select(file => new DatasetFile(file.Name, file.Size))], otherCount));
    }

    public Task<bool> TryDownloadToFileAsync(
        string name,
        string localFile,
        long maxBytes,
        CancellationToken cancellationToken) =>
        folder.TryCopyToFileAsync(name, "Data-set file name", localFile, maxBytes, cancellationToken);
}
