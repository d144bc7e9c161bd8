using System.Text;
using Azure;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Storage;

/// <summary>
/// Runs against an Azurite that checks the API version (no --skipApiVersionCheck), as a real service would reject
/// versions it does not know.
/// </summary>
public sealed class BlobServiceVersionTests : IAsyncLifetime
{
    private AzuriteServer azurite = null!;

    public async Task InitializeAsync() => azurite = await AzuriteServer.StartAsync(checkApiVersion: true);

    public async Task DisposeAsync() => await azurite.DisposeAsync();

    [Fact]
    public async Task DefaultServiceVersion_StrictAzurite_RoundTrips()
    {
        BlobStorageOptions options = BlobStores.CreateOptions(azurite.ConnectionString);
        options.ServiceVersion.ShouldBe(BlobStorageOptions.DefaultServiceVersion);
        BlobArtifactStore store = await BlobStores.CreateAsync(options);
        using MemoryStream content = new(Encoding.UTF8.GetBytes("pinned"));

        await store.UploadAsync("jobs/a/losses.csv", content, "text/csv", CancellationToken.None);

        byte[]? read = await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None);
        read.ShouldBe(Encoding.UTF8.GetBytes("pinned"));
    }

    [Fact]
    public async Task SdkDefaultServiceVersion_StrictAzurite_Rejected()
    {
        BlobStorageOptions options = BlobStores.CreateOptions(azurite.ConnectionString);
        options.ServiceVersion = "2026-10-06";

        RequestFailedException exception = await Should.ThrowAsync<RequestFailedException>(
            () => BlobStores.CreateAsync(options));

        exception.Status.ShouldBe(400);
        exception.Message.ShouldContain("2026-10-06 is not supported by Azurite");
    }
}
