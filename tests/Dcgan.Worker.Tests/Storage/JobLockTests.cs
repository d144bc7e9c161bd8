using System.Diagnostics;
using Azure.Storage.Blobs.Specialized;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Storage;

/// <summary>Job locks as blob leases on a real Azurite, and as locked files in a local folder.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class JobLockTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task BlobLock_LiveHolder_ReturnsNull()
    {
        IJobLocks locks = await CreateBlobLocksAsync();
        await using IAsyncDisposable? first = await locks.TryAcquireAsync("job-a", CancellationToken.None);
        var clock = Stopwatch.StartNew();

        IAsyncDisposable? second = await locks.TryAcquireAsync("job-a", CancellationToken.None);

        first.ShouldNotBeNull();
        second.ShouldBeNull();

        // The first lease was renewed while the second waited for longer than one lease period.
        clock.Elapsed.ShouldBeGreaterThan(BlobJobLocks.LeaseDuration);
    }

    [Fact]
    public async Task BlobLock_Released_AcquiredAtOnce()
    {
        IJobLocks locks = await CreateBlobLocksAsync();
        IAsyncDisposable? first = await locks.TryAcquireAsync("job-b", CancellationToken.None);
        first.ShouldNotBeNull();
        await first.DisposeAsync();
        var clock = Stopwatch.StartNew();

        await using IAsyncDisposable? second = await locks.TryAcquireAsync("job-b", CancellationToken.None);

        second.ShouldNotBeNull();
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task BlobLock_DeadHolder_AcquiredAfterExpiry()
    {
        BlobStorageOptions options = BlobStores.CreateOptions(azurite.ConnectionString);
        BlobArtifactStore store = await BlobStores.CreateAsync(options);
        IJobLocks locks = store.CreateJobLocks(TimeProvider.System);

        // A lease without renewals, as a killed worker leaves it.
        BlobLeaseClient dead = store.ArtifactContainer.GetBlobClient("locks/job-c").GetBlobLeaseClient();
        await store.ArtifactContainer.GetBlobClient("locks/job-c").UploadAsync(BinaryData.Empty);
        await dead.AcquireAsync(BlobJobLocks.LeaseDuration);

        await using IAsyncDisposable? acquired = await locks.TryAcquireAsync("job-c", CancellationToken.None);

        acquired.ShouldNotBeNull();
    }

    [Fact]
    public async Task FolderLock_Held_ReturnsNullUntilReleased()
    {
        var locks = new LocalFolderJobLocks(folder.Path);
        IAsyncDisposable? first = await locks.TryAcquireAsync("job-d", CancellationToken.None);

        IAsyncDisposable? second = await locks.TryAcquireAsync("job-d", CancellationToken.None);
        first.ShouldNotBeNull();
        await first.DisposeAsync();
        await using IAsyncDisposable? third = await locks.TryAcquireAsync("job-d", CancellationToken.None);

        second.ShouldBeNull();
        third.ShouldNotBeNull();
    }

    private async Task<IJobLocks> CreateBlobLocksAsync()
    {
        BlobArtifactStore store = await BlobStores.CreateAsync(BlobStores.CreateOptions(azurite.ConnectionString));
        return store.CreateJobLocks(TimeProvider.System);
    }
}
