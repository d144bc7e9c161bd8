using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>Reads what a worker stored in a test's artifact container, as a caller of the worker would.</summary>
public static class ArtifactBlobs
{
    /// <summary>Returns the artifact container of <paramref name="names"/> on <paramref name="azurite"/>.</summary>
    public static BlobContainerClient Container(AzuriteServer azurite, WorkerNames names) =>
        Container(azurite, names.ArtifactContainer);

    /// <summary>Returns the container <paramref name="containerName"/> on <paramref name="azurite"/>, with the account key.</summary>
    public static BlobContainerClient Container(AzuriteServer azurite, string containerName) =>
        new BlobServiceClient(
                azurite.ConnectionString,
                new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06))
            .GetBlobContainerClient(containerName);

    /// <summary>Downloads one blob into <paramref name="folder"/> and returns the local path.</summary>
    public static async Task<string> DownloadAsync(BlobContainerClient container, string blobName, string folder)
    {
        string local = Path.Combine(folder, Guid.NewGuid().ToString("N") + Path.GetExtension(blobName));
        await container.GetBlobClient(blobName).DownloadToAsync(local);
        return local;
    }

    /// <summary>Asserts that every artifact the manifest lists is stored with the listed size and SHA-256.</summary>
    public static async Task AssertManifestMatchesBlobsAsync(
        BlobContainerClient container,
        string manifestPath,
        string folder)
    {
        string manifestFile = await DownloadAsync(container, manifestPath, folder);
        using JsonDocument manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(manifestFile));
        JsonElement artifacts = manifest.RootElement.GetProperty("artifacts");
        artifacts.GetArrayLength().ShouldBeGreaterThan(0);
        foreach (JsonElement artifact in artifacts.EnumerateArray())
        {
            string path = artifact.GetProperty("path").GetString()!;
            BlobClient blob = container.GetBlobClient(path);
            (await blob.ExistsAsync()).Value.ShouldBeTrue($"{path} is listed in the manifest but not stored");

            byte[] content = await File.ReadAllBytesAsync(await DownloadAsync(container, path, folder));
            content.LongLength.ShouldBe(artifact.GetProperty("size").GetInt64(), path);
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
            sha256.ShouldBe(artifact.GetProperty("sha256").GetString(), path);
        }
    }
}
