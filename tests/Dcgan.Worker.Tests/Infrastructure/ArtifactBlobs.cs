using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>Reads what a worker stored in a test's artifact container, as a caller of the worker would.</summary>
public static class ArtifactBlobs
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

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

    /// <summary>Lists the names of the blobs that start with <paramref name="prefix"/>; empty without the container.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(BlobContainerClient container, string prefix)
    {
        var names = new List<string>();
        try
        {
            await foreach (BlobItem blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
            {
                names.Add(blob.Name);
            }
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Until the worker creates the container, nothing is stored.
            return [];
        }

        return names;
    }

    /// <summary>Lists the steps of the step checkpoints stored for a job, in ascending order.</summary>
    public static async Task<IReadOnlyList<long>> StepCheckpointsAsync(BlobContainerClient container, string job)
    {
        var steps = new List<long>();
        foreach (string name in await ListAsync(container, StepCheckpointPrefix(job)))
        {
            string step = Path.GetFileNameWithoutExtension(name)["step-".Length..];
            steps.Add(long.Parse(step, CultureInfo.InvariantCulture));
        }

        steps.Sort();
        return steps;
    }

    /// <summary>Waits until at least one step checkpoint of <paramref name="job"/> is stored.</summary>
    public static Task WaitForStepCheckpointAsync(BlobContainerClient container, string job, TimeSpan timeout) =>
        WaitForBlobsAsync(container, StepCheckpointPrefix(job), 1, timeout);

    /// <summary>Waits until at least <paramref name="count"/> blobs start with <paramref name="prefix"/>.</summary>
    public static async Task WaitForBlobsAsync(BlobContainerClient container, string prefix, int count, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while ((await ListAsync(container, prefix)).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Fewer than {count} blobs under {prefix} were stored within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(PollInterval);
        }
    }

    private static string StepCheckpointPrefix(string job) => $"jobs/{job}/checkpoints/step-";
}
