namespace Dcgan.Worker.Storage;

/// <summary>Data sets in the data-set container of the blob storage account.</summary>
internal sealed class BlobDatasetSource(ResilientBlobContainer container) : IDatasetSource
{
    public string Location => $"container '{container.Name}'";

    public async Task<DatasetListing> ListAsync(
        string prefix,
        Func<string, bool> include,
        int maxFiles,
        CancellationToken cancellationToken)
    {
        ArtifactPaths.ValidateRelativeBlobName(prefix, "Data-set prefix");
        (IReadOnlyList<(string Name, long Size)> blobs, int otherCount) =
            await container.ListAsync(prefix, include, maxFiles, cancellationToken);
        return new DatasetListing([.. blobs.Select(blob => new DatasetFile(blob.Name, blob.Size))], otherCount);
    }

    public Task<bool> TryDownloadToFileAsync(
        string name,
        string localFile,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        ArtifactPaths.ValidateRelativeBlobName(name, "Data-set blob name");
        return container.TryDownloadToFileAsync(name, Path.GetFullPath(localFile), maxBytes, cancellationToken);
    }
}
