using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Storage;

/// <summary>Blob stores on a test Azurite, each with its own pair of new containers.</summary>
internal static class BlobStores
{
    /// <summary>
    /// Creates options for <paramref name="connectionString"/> with new container names and short retry delays.
    /// </summary>
    public static BlobStorageOptions CreateOptions(string connectionString)
    {
        string suffix = Guid.NewGuid().ToString("N")[..12];
        return new BlobStorageOptions
        {
            ConnectionString = connectionString,
            ArtifactContainer = "artifacts-" + suffix,
            DatasetContainer = "datasets-" + suffix,
            MaxAttempts = 3,
            BaseDelay = TimeSpan.FromMilliseconds(50),
            MaxDelay = TimeSpan.FromMilliseconds(200),
            AttemptTimeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Creates a store on new containers and creates the containers.</summary>
    public static async Task<BlobArtifactStore> CreateAsync(
        BlobStorageOptions options,
        TestLogger<BlobArtifactStore>? logger = null)
    {
        BlobArtifactStore store = new(Options.Create(options), logger ?? new TestLogger<BlobArtifactStore>());
        await store.EnsureContainersAsync(CancellationToken.None);
        return store;
    }
}
