using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dcgan.Worker.Storage;

/// <summary>Writer and reader of <see cref="JobManifest"/> documents, as camelCase JSON.</summary>
internal sealed class JobManifestStore
{
    /// <summary>Content type of stored manifests.</summary>
    public const string ContentType = "application/json";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// Stores <paramref name="manifest"/> at <see cref="ArtifactPaths.Manifest"/> after checking that every listed
    /// artifact belongs to the job and is present in <paramref name="store"/>, so a manifest never lists an artifact
    /// that was not fully written. Call it after the last artifact upload has returned.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The job id is invalid, an artifact lies outside the job's folder, or the best checkpoint is not a listed artifact.
    /// </exception>
    /// <exception cref="InvalidOperationException">A listed artifact is not in the store.</exception>
    public async Task<StoredArtifact> WriteAsync(
        IArtifactStore store,
        JobManifest manifest,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        string prefix = ArtifactPaths.JobPrefix(manifest.JobId);
        string manifestPath = ArtifactPaths.Manifest(manifest.JobId);
        foreach (ManifestEntry entry in manifest.Artifacts)
        {
            if (!entry.Path.StartsWith(prefix, StringComparison.Ordinal) || entry.Path == manifestPath)
            {
                throw new ArgumentException(
                    $"Manifest of job '{manifest.JobId}' lists '{entry.Path}', but only artifacts under '{prefix}' " +
                    "other than the manifest itself are allowed.",
                    nameof(manifest));
            }
        }

        if (manifest.BestCheckpoint is { } best && !manifest.Artifacts.Any(entry => entry.Path == best.Path))
        {
            throw new ArgumentException(
                $"Manifest of job '{manifest.JobId}' marks '{best.Path}' as its best checkpoint, but does not list it " +
                "among its artifacts.",
                nameof(manifest));
        }

        // Uploads become visible only when complete, so a listed name is a fully written artifact.
        HashSet<string> stored = [.. await store.ListAsync(prefix, cancellationToken)];
        List<string> missing = [.. manifest.Artifacts.Select(entry => entry.Path).Where(path => !stored.Contains(path))];
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Manifest of job '{manifest.JobId}' lists {missing.Count} artifacts that are not stored, such as " +
                $"'{missing[0]}'. Store every artifact before the manifest.");
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(manifest, SerializerOptions);
        using MemoryStream content = new(json, writable: false);
        return await store.UploadAsync(manifestPath, content, ContentType, cancellationToken);
    }

    /// <summary>Reads the manifest of job <paramref name="jobId"/>, or returns null when the job has none.</summary>
    /// <exception cref="ArgumentException"><paramref name="jobId"/> is invalid.</exception>
    /// <exception cref="InvalidDataException">The stored manifest is not valid JSON or belongs to another job.</exception>
    public async Task<JobManifest?> TryReadAsync(IArtifactStore store, string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        string path = ArtifactPaths.Manifest(jobId);
        byte[]? json = await store.TryReadAllBytesAsync(path, cancellationToken);
        if (json is null)
        {
            return null;
        }

        JobManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<JobManifest>(json, SerializerOptions);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException(
                $"Manifest '{path}' is not a valid job manifest: {exception.Message}",
                exception);
        }

        if (manifest is null)
        {
            throw new InvalidDataException($"Manifest '{path}' is not a valid job manifest: it contains JSON null.");
        }

        if (manifest.JobId != jobId)
        {
            throw new InvalidDataException($"Manifest '{path}' belongs to job '{manifest.JobId}', not '{jobId}'.");
        }

        return manifest;
    }
}
