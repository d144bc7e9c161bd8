using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Dcgan.Worker.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Artifact store on Azure Blob Storage (or Azurite). Each operation is retried by <see cref="StorageResilience"/>.
/// Uploads set the blob's Content-Type, its MD5 content hash (the hash Azure checks) and a "sha256" metadata entry.
/// </summary>
internal sealed partial class BlobArtifactStore : IArtifactStore
{
    /// <summary>Metadata key of the lower-case hex SHA-256 of the blob's content.</summary>
    public const string Sha256MetadataKey = "sha256";

    private const string PathLabel = "Artifact path";

    private readonly ResilientBlobContainer artifacts;
    private readonly ResilientBlobContainer datasets;
    private readonly ILogger<BlobArtifactStore> logger;

    public BlobArtifactStore(IOptions<BlobStorageOptions> options, ILogger<BlobArtifactStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        BlobStorageOptions settings = options.Value;
        BlobServiceClient service = ResilientBlobContainer.CreateServiceClient(settings);
        ResiliencePipeline pipeline = StorageResilience.Create(settings, logger);
        artifacts = new ResilientBlobContainer(service.GetBlobContainerClient(settings.ArtifactContainer), pipeline);
        datasets = new ResilientBlobContainer(service.GetBlobContainerClient(settings.DatasetContainer), pipeline);
        Datasets = new BlobDatasetSource(datasets);
        this.logger = logger;
    }

    /// <summary>Read access to the data-set container, with the same retries.</summary>
    public IDatasetSource Datasets { get; }

    /// <summary>Job locks as leases on blobs in the artifact container, with the same retries.</summary>
    public IJobLocks CreateJobLocks(TimeProvider time) => new BlobJobLocks(artifacts, time, logger);

    /// <summary>SDK client of the artifact container, for checks that the store does not offer.</summary>
    public BlobContainerClient ArtifactContainer => artifacts.Client;

    /// <summary>SDK client of the data-set container.</summary>
    public BlobContainerClient DatasetContainer => datasets.Client;

    /// <summary>
    /// Creates the artifact and data-set containers without public access unless they exist. A container that already
    /// exists with public access is left as it is and logged as a warning.
    /// </summary>
    public async Task EnsureContainersAsync(CancellationToken cancellationToken)
    {
        foreach (ResilientBlobContainer container in (ResilientBlobContainer[])[artifacts, datasets])
        {
            PublicAccessType access = await container.EnsureExistsAsync(cancellationToken);
            if (access != PublicAccessType.None)
            {
                LogPublicContainer(logger, container.Name, access);
            }
        }
    }

    public async Task<StoredArtifact> UploadAsync(
        string path,
        Stream content,
        string contentType,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (content.CanSeek)
        {
            return await UploadSeekableAsync(path, content, contentType, cancellationToken);
        }

        // A retry has to read the content again, so a one-pass stream is copied to a local file first.
        ArtifactPaths.ValidateRelativeBlobName(path, PathLabel);
        string bufferPath = Path.Combine(Path.GetTempPath(), $"dcgan-upload-{Guid.NewGuid():N}.tmp");
        await using FileStream buffer = new(
            bufferPath,
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            bufferSize: 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await content.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return await UploadSeekableAsync(path, buffer, contentType, cancellationToken);
    }

    public async Task<StoredArtifact> UploadFileAsync(
        string path,
        string localFile,
        string contentType,
        CancellationToken cancellationToken)
    {
        await using FileStream content = new(
            localFile,
            FileMode.Open,
            FileAccess.Read,
            FileShare.Read,
            bufferSize: 81920,
            useAsync: true);
        return await UploadSeekableAsync(path, content, contentType, cancellationToken);
    }

    public Task<bool> TryDownloadToFileAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        ArtifactPaths.ValidateRelativeBlobName(path, PathLabel);
        ArgumentException.ThrowIfNullOrWhiteSpace(localFile);
        return artifacts.TryDownloadToFileAsync(path, Path.GetFullPath(localFile), long.MaxValue, cancellationToken);
    }

    public Task<byte[]?> TryReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        ArtifactPaths.ValidateRelativeBlobName(path, PathLabel);
        return artifacts.TryReadAllBytesAsync(path, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0)
        {
            ArtifactPaths.ValidateRelativeBlobName(prefix, "Artifact prefix");
        }

        IReadOnlyList<(string Name, long Size)> blobs = await artifacts.ListAsync(prefix, cancellationToken);
        return [.. blobs.Select(blob => blob.Name)];
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        ArtifactPaths.ValidateRelativeBlobName(path, PathLabel);
        return artifacts.DeleteAsync(path, cancellationToken);
    }

    public Uri GetUri(string path)
    {
        ArtifactPaths.ValidateRelativeBlobName(path, PathLabel);
        return artifacts.GetUri(path);
    }

    /// <summary>Hashes <paramref name="content"/> from its position to its end, then uploads that range.</summary>
    private async Task<StoredArtifact> UploadSeekableAsync(
        string path,
        Stream content,
        string contentType,
        CancellationToken cancellationToken)
    {
        ArtifactPaths.ValidateRelativeBlobName(path, PathLabel);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);

        // The MD5 goes into the blob's properties at commit, so both hashes are needed before the upload starts.
        long start = content.Position;
        using IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using IncrementalHash md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long size = await StreamCopy.CopyHashingAsync(content, destination: null, [sha256, md5], cancellationToken);
        string sha256Hex = Convert.ToHexStringLower(sha256.GetHashAndReset());
        content.Position = start;

        await artifacts.UploadAsync(
            path,
            content,
            new BlobHttpHeaders { ContentType = contentType, ContentHash = md5.GetHashAndReset() },
            new Dictionary<string, string> { [Sha256MetadataKey] = sha256Hex },
            cancellationToken);
        LogStored(logger, path, size, sha256Hex);
        return new StoredArtifact(path, contentType, size, sha256Hex);
    }

    [LoggerMessage(
        EventId = 3010,
        Level = LogLevel.Warning,
        Message = "Container {Container} allows public access ({PublicAccess}), so anyone can read the artifacts or " +
            "data sets in it without credentials. Set its access level to private.")]
    private static partial void LogPublicContainer(ILogger logger, string container, PublicAccessType publicAccess);

    [LoggerMessage(
        EventId = 3011,
        Level = LogLevel.Debug,
        Message = "Stored {Path}: {SizeBytes} bytes, SHA-256 {Sha256}")]
    private static partial void LogStored(ILogger logger, string path, long sizeBytes, string sha256);
}
