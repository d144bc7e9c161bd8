using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Polly;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Blob operations on one container, each run through the storage retry pipeline. Blob names are passed through
/// unchanged, so callers validate them.
/// </summary>
internal sealed class ResilientBlobContainer(BlobContainerClient container, ResiliencePipeline pipeline)
{
    /// <summary>The container's name.</summary>
    public string Name => container.Name;

    /// <summary>The SDK client of the container, without the retry pipeline.</summary>
    public BlobContainerClient Client => container;

    /// <summary>
    /// Creates a service client that sends <see cref="BlobStorageOptions.ServiceVersion"/> and never retries by
    /// itself, because <see cref="StorageResilience"/> is the only retry layer.
    /// </summary>
    /// <exception cref="ArgumentException">The service version is unknown to the SDK.</exception>
    public static BlobServiceClient CreateServiceClient(BlobStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!BlobStorageOptions.TryParseServiceVersion(
            options.ServiceVersion,
            out BlobClientOptions.ServiceVersion version))
        {
            throw new ArgumentException(
                BlobStorageOptions.DescribeUnknownServiceVersion(options.ServiceVersion),
                nameof(options));
        }

        BlobClientOptions clientOptions = new(version);
        clientOptions.Retry.MaxRetries = 0;
        return new BlobServiceClient(options.ConnectionString, clientOptions);
    }

    /// <summary>
    /// Creates the container without public access unless it exists, and returns its public access level.
    /// </summary>
    public Task<PublicAccessType> EnsureExistsAsync(CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(
            "create container",
            Name,
            async token =>
            {
                await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: token);
                BlobContainerProperties properties = (await container.GetPropertiesAsync(cancellationToken: token)).Value;
                return properties.PublicAccess ?? PublicAccessType.None;
            },
            cancellationToken);

    /// <summary>
    /// Uploads <paramref name="content"/> from its current position to its end, replacing any blob named
    /// <paramref name="name"/>. The stream is rewound to that position before each attempt. A block blob upload
    /// becomes visible only when its last request commits it, so readers never see part of it.
    /// </summary>
    public Task UploadAsync(
        string name,
        Stream content,
        BlobHttpHeaders headers,
        IDictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        if (!content.CanSeek)
        {
            throw new ArgumentException(
                "The upload stream must be seekable so that a retry can read it again.",
                nameof(content));
        }

        long start = content.Position;
        BlobClient blob = container.GetBlobClient(name);
        return pipeline.ExecuteAsync(
            "upload",
            name,
            async token =>
            {
                content.Position = start;
                await blob.UploadAsync(
                    content,
                    new BlobUploadOptions { HttpHeaders = headers, Metadata = metadata },
                    token);
                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// Downloads blob <paramref name="name"/> to <paramref name="localFile"/>, which appears only when complete.
    /// Returns false when the blob or the container does not exist.
    /// </summary>
    /// <exception cref="InvalidDataException">The blob is larger than <paramref name="maxBytes"/>.</exception>
    public async Task<bool> TryDownloadToFileAsync(
        string name,
        string localFile,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        string description = $"Blob '{name}' in container '{Name}'";
        BlobClient blob = container.GetBlobClient(name);
        try
        {
            return await pipeline.ExecuteAsync(
                "download",
                name,
                token => DownloadOnceAsync(blob, localFile, maxBytes, description, token),
                cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Makes one download attempt. A retry starts again with a new temporary file.</summary>
    private static async ValueTask<bool> DownloadOnceAsync(
        BlobClient blob,
        string localFile,
        long maxBytes,
        string description,
        CancellationToken cancellationToken)
    {
        using BlobDownloadStreamingResult result =
            (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        long length = result.Details.ContentLength;
        if (length > maxBytes)
        {
            throw new InvalidDataException($"{description} has {length} bytes, more than the limit of {maxBytes} bytes.");
        }

        await AtomicFile.WriteAsync(
            localFile,
            (stream, token) => StreamCopy.CopyWithLimitAsync(result.Content, stream, maxBytes, description, token),
            cancellationToken);
        return true;
    }

    /// <summary>Reads a whole blob into memory, or returns null when the blob or the container does not exist.</summary>
    public async Task<byte[]?> TryReadAllBytesAsync(string name, CancellationToken cancellationToken)
    {
        BlobClient blob = container.GetBlobClient(name);
        try
        {
            return await pipeline.ExecuteAsync<byte[]?>(
                "read",
                name,
                async token => (await blob.DownloadContentAsync(token)).Value.Content.ToArray(),
                cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Lists the blobs whose name starts with <paramref name="prefix"/>, with their sizes in bytes, in ordinal order.
    /// The list is empty when the container does not exist.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, long Size)>> ListAsync(
        string prefix,
        CancellationToken cancellationToken) =>
        (await ListAsync(prefix, static _ => true, int.MaxValue - 1, cancellationToken)).Blobs;

    /// <summary>
    /// Lists the blobs whose name starts with <paramref name="prefix"/> and matches <paramref name="include"/>, in
    /// ordinal order, and counts the others. Listing stops once more than <paramref name="maxIncluded"/> blobs match,
    /// and the result then contains the first <paramref name="maxIncluded"/> + 1 of them.
    /// </summary>
    public async Task<(IReadOnlyList<(string Name, long Size)> Blobs, int OtherCount)> ListAsync(
        string prefix,
        Func<string, bool> include,
        int maxIncluded,
        CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync<(IReadOnlyList<(string Name, long Size)>, int)>(
                "list",
                prefix,
                async token =>
                {
                    // A failed page restarts the whole listing, so a retry never returns a blob twice.
                    List<(string Name, long Size)> blobs = [];
                    int otherCount = 0;
                    await foreach (BlobItem item in container.GetBlobsAsync(
                        new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix },
                        token))
                    {
                        if (!include(item.Name))
                        {
                            otherCount++;
                            continue;
                        }

                        blobs.Add((item.Name, item.Properties.ContentLength ?? 0));
                        if (blobs.Count > maxIncluded)
                        {
                            break;
                        }
                    }

                    blobs.Sort((left, right) => string.CompareOrdinal(left.Name, right.Name));
                    return (blobs, otherCount);
                },
                cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return ([], 0);
        }
    }

    /// <summary>Deletes blob <paramref name="name"/> and its snapshots if it exists.</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        BlobClient blob = container.GetBlobClient(name);
        return pipeline.ExecuteAsync(
            "delete",
            name,
            async token =>
            {
                Response<bool> deleted = await blob.DeleteIfExistsAsync(
                    DeleteSnapshotsOption.IncludeSnapshots,
                    cancellationToken: token);
                return deleted.Value;
            },
            cancellationToken);
    }

    /// <summary>
    /// Takes a lease of <paramref name="duration"/> with id <paramref name="leaseId"/> on blob <paramref name="name"/>,
    /// creating the blob empty first if needed. Returns false when another lease holds the blob.
    /// </summary>
    public async Task<bool> TryAcquireLeaseAsync(
        string name,
        string leaseId,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        BlobClient blob = container.GetBlobClient(name);
        BlobLeaseClient lease = blob.GetBlobLeaseClient(leaseId);
        try
        {
            return await pipeline.ExecuteAsync(
                "acquire lease",
                name,
                async token =>
                {
                    try
                    {
                        await blob.UploadAsync(BinaryData.Empty, overwrite: false, token);
                    }
                    catch (RequestFailedException exception) when (exception.Status is 409 or 412)
                    {
                        // The blob exists, leased or not; the lease below decides.
                    }

                    await lease.AcquireAsync(duration, cancellationToken: token);
                    return true;
                },
                cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Renews lease <paramref name="leaseId"/> on blob <paramref name="name"/>. Renewing an expired lease succeeds
    /// while no other lease was taken meanwhile.
    /// </summary>
    /// <exception cref="RequestFailedException">Another lease holds the blob (409) or the renewal failed.</exception>
    public Task RenewLeaseAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        BlobLeaseClient lease = container.GetBlobClient(name).GetBlobLeaseClient(leaseId);
        return pipeline.ExecuteAsync(
            "renew lease",
            name,
            async token =>
            {
                await lease.RenewAsync(cancellationToken: token);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Releases lease <paramref name="leaseId"/> on blob <paramref name="name"/> so others can take it at once.</summary>
    public Task ReleaseLeaseAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        BlobLeaseClient lease = container.GetBlobClient(name).GetBlobLeaseClient(leaseId);
        return pipeline.ExecuteAsync(
            "release lease",
            name,
            async token =>
            {
                await lease.ReleaseAsync(cancellationToken: token);
                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// Returns the blob URL of <paramref name="name"/> without a query. A client made from a connection string with a
    /// SharedAccessSignature carries the SAS token in its URL, and these URLs go into events that other services log.
    /// </summary>
    public Uri GetUri(string name) => new(container.GetBlobClient(name).Uri.GetLeftPart(UriPartial.Path));
}
