using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Dcgan.Worker.Storage;

namespace Dcgan.Cli;

/// <summary>
/// Downloads a finished job's artifacts from the worker's Blob Storage container into a local folder, with the same
/// layout as the embedded store: "{folder}/jobs/{jobId}/...". Every file is checked against the size and SHA-256 in
/// the job's manifest.
/// </summary>
internal sealed class ArtifactDownloader
{
    private const int ParallelDownloads = 8;

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly BlobContainerClient container;

    /// <summary>Creates a downloader for <paramref name="containerName"/> in the account of the connection string.</summary>
    /// <exception cref="ArgumentException">The connection string is invalid.</exception>
    public ArtifactDownloader(string connectionString, string containerName)
    {
        // Azure.Storage.Blobs 12.30.1 sends API version 2026-10-06 by default, which Azurite 3.37.0 rejects. The
        // worker pins the same version (BlobStorageOptions.DefaultServiceVersion).
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06);
        try
        {
            container = new BlobServiceClient(connectionString, options).GetBlobContainerClient(containerName);
        }
        catch (FormatException)
        {
            // The parser's message is left out, because it could quote part of the secret.
            throw new ArgumentException(
                "--storage-connection-string is not a valid Azure Storage connection string: expected " +
                "'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;...' or one with a BlobEndpoint.");
        }
    }

    /// <summary>
    /// Downloads the manifest of <paramref name="jobId"/> and every artifact it lists into
    /// <paramref name="localRoot"/>, the manifest last. Returns the manifest.
    /// </summary>
    /// <exception cref="FileNotFoundException">The job has no manifest in the container.</exception>
    /// <exception cref="InvalidDataException">
    /// The manifest is invalid, lists a name outside the job's folder, or a download does not match its entry.
    /// </exception>
    /// <exception cref="IOException">A download failed.</exception>
    public async Task<JobManifest> DownloadJobAsync(string jobId, string localRoot, CancellationToken cancellationToken)
    {
        string manifestPath = ArtifactPaths.Manifest(jobId);
        byte[] manifestBytes = await DownloadManifestAsync(manifestPath, cancellationToken);
        JobManifest manifest = ParseManifest(manifestPath, manifestBytes, jobId);
        string prefix = ArtifactPaths.JobPrefix(jobId);
        foreach (ManifestEntry entry in manifest.Artifacts)
        {
            if (!entry.Path.StartsWith(prefix, StringComparison.Ordinal)
                || !ArtifactPaths.TryValidateRelativeBlobName(entry.Path, "Artifact path", out _))
            {
                throw new InvalidDataException(
                    $"Manifest '{manifestPath}' lists '{entry.Path}', which is not a plain name under '{prefix}'.");
            }
        }

        await Parallel.ForEachAsync(
            manifest.Artifacts,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelDownloads, CancellationToken = cancellationToken },
            (entry, token) => new ValueTask(DownloadArtifactAsync(entry, LocalPath(localRoot, entry.Path), token)));

        string manifestFile = LocalPath(localRoot, manifestPath);
        Directory.CreateDirectory(Path.GetDirectoryName(manifestFile)!);
        await File.WriteAllBytesAsync(manifestFile, manifestBytes, cancellationToken);
        return manifest;
    }

    /// <summary>
    /// Makes the files of job <paramref name="jobId"/> local where possible. Returns the folder that contains
    /// "jobs/{jobId}/": <paramref name="output"/>, which the embedded worker wrote to or the files were downloaded
    /// to, or null when the job ran on a remote worker and no storage account is configured.
    /// </summary>
    public static async Task<string?> FetchAsync(
        ClientSettings client,
        string jobId,
        string output,
        CancellationToken cancellationToken)
    {
        if (client.Broker is null)
        {
            return output;
        }

        if (client.StorageConnectionString is null)
        {
            return null;
        }

        var downloader = new ArtifactDownloader(client.StorageConnectionString, client.ArtifactContainer);
        JobManifest manifest = await downloader.DownloadJobAsync(jobId, output, cancellationToken);
        string megabytes = (manifest.Artifacts.Sum(entry => entry.Size) / 1e6).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine(
            $"Downloaded {manifest.Artifacts.Count + 1} files ({megabytes} MB) to " +
            $"{LocalPath(output, ArtifactPaths.JobPrefix(jobId))}, each matching its SHA-256 in the manifest.");
        return output;
    }

    /// <summary>Returns the local path of the store name <paramref name="path"/> under <paramref name="localRoot"/>.</summary>
    public static string LocalPath(string localRoot, string path) =>
        Path.Combine(Path.GetFullPath(localRoot), path.Replace('/', Path.DirectorySeparatorChar));

    private async Task<byte[]> DownloadManifestAsync(string manifestPath, CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult result = await container.GetBlobClient(manifestPath).DownloadContentAsync(cancellationToken);
            return result.Content.ToArray();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            throw new FileNotFoundException(
                $"Manifest '{manifestPath}' was not found in container '{container.Name}' of the storage account: " +
                "check --artifact-container and --storage-connection-string.",
                exception);
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException)
        {
            throw new IOException(DescribeFailure(manifestPath, exception), exception);
        }
    }

    private static JobManifest ParseManifest(string manifestPath, byte[] json, string jobId)
    {
        JobManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<JobManifest>(json, ManifestJson);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' is not a valid job manifest: {exception.Message}", exception);
        }

        if (manifest is null || manifest.JobId != jobId)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' does not belong to job '{jobId}'.");
        }

        return manifest;
    }

    private async Task DownloadArtifactAsync(ManifestEntry entry, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string partial = $"{target}.{Guid.NewGuid():N}.partial";
        try
        {
            (long size, string sha256) = await DownloadHashingAsync(entry.Path, partial, cancellationToken);
            if (size != entry.Size || !string.Equals(sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"Artifact '{entry.Path}' has {size} bytes with SHA-256 {sha256}, but the manifest lists " +
                    $"{entry.Size} bytes with SHA-256 {entry.Sha256}: the blob changed after the job ended. Run the " +
                    "command again, or use a new job id.");
            }

            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private async Task<(long Size, string Sha256)> DownloadHashingAsync(
        string path,
        string localFile,
        CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadStreamingResult download =
                (await container.GetBlobClient(path).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            using IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using Stream content = download.Content;
            await using var file = new FileStream(localFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            byte[] buffer = new byte[81920];
            long size = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }

            return (size, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException)
        {
            throw new IOException(DescribeFailure(path, exception), exception);
        }
    }

    /// <summary>
    /// Describes a failed download. RequestFailedException.Message contains the whole response, so only the status and
    /// error code are shown. The SDK gives up after its retries with an AggregateException of every attempt's error,
    /// such as "Connection refused", and the last one is shown.
    /// </summary>
    private string DescribeFailure(string path, Exception exception)
    {
        string reason = exception switch
        {
            RequestFailedException failed => $"HTTP status {failed.Status} ({failed.ErrorCode ?? "no error code"})",
            AggregateException retries => retries.InnerExceptions[^1].Message,
            _ => exception.Message,
        };
        return $"Downloading '{path}' from container '{container.Name}' failed: {reason}.";
    }
}
