using System.Security.Cryptography;
using Dcgan.Worker.Storage;

namespace Dcgan.Worker.Jobs;

/// <summary>Lists every stored artifact of a job, with size and SHA-256, for its manifest.</summary>
internal static class JobArtifacts
{
    /// <summary>
    /// Returns a manifest entry for every artifact under the job's folder except the manifest. Artifacts uploaded by
    /// this delivery come from <paramref name="uploaded"/>. Artifacts stored by an earlier delivery of a resumed job
    /// are downloaded to <paramref name="scratchFolder"/> and hashed.
    /// </summary>
    public static async Task<IReadOnlyList<ManifestEntry>> DescribeAsync(
        IArtifactStore store,
        string jobId,
        IReadOnlyDictionary<string, StoredArtifact> uploaded,
        string scratchFolder,
        CancellationToken cancellationToken)
    {
        string manifestPath = ArtifactPaths.Manifest(jobId);
        IReadOnlyList<string> stored = await store.ListAsync(ArtifactPaths.JobPrefix(jobId), cancellationToken);
        var entries = new List<ManifestEntry>();
        foreach (string path in stored.Where(path => path != manifestPath && !IsHidden(path)).Order(StringComparer.Ordinal))
        {
            StoredArtifact artifact = uploaded.TryGetValue(path, out StoredArtifact? known)
                ? known
                : await HashStoredAsync(store, path, scratchFolder, cancellationToken);
            entries.Add(ManifestEntry.FromStored(artifact));
        }

        return entries;
    }

    private static async Task<StoredArtifact> HashStoredAsync(
        IArtifactStore store,
        string path,
        string scratchFolder,
        CancellationToken cancellationToken)
    {
        string local = Path.Combine(scratchFolder, Guid.NewGuid().ToString("N"));
        if (!await store.TryDownloadToFileAsync(path, local, cancellationToken))
        {
            throw new InvalidOperationException($"Artifact '{path}' was listed but is not found any more, because it was deleted meanwhile.");
        }

        try
        {
            await using FileStream content = File.OpenRead(local);
            byte[] hash = await SHA256.HashDataAsync(content, cancellationToken);
            return new StoredArtifact(path, ContentTypes.ForName(path), content.Length, Convert.ToHexStringLower(hash));
        }
        finally
        {
            File.Delete(local);
        }
    }

    // Stores write through hidden temporary files ("." prefix), which a listing may catch mid-write.
    private static bool IsHidden(string path) => path[(path.LastIndexOf('/') + 1)..].StartsWith('.');
}
