using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Storage;

/// <summary>Kills its own Azurite in the middle of the test and starts it again on the same port and folder.</summary>
public sealed class BlobOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);

    private AzuriteServer azurite = null!;

    public async Task InitializeAsync() => azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await azurite.DisposeAsync();

    [Fact]
    public async Task UploadAsync_DuringOutage_Completes()
    {
        BlobStorageOptions options = BlobStores.CreateOptions(azurite.ConnectionString);
        options.MaxAttempts = 60;
        options.BaseDelay = TimeSpan.FromMilliseconds(100);
        options.MaxDelay = TimeSpan.FromMilliseconds(500);
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        TestLogger<BlobArtifactStore> logger = new();
        BlobArtifactStore store = await BlobStores.CreateAsync(options, logger);
        using (MemoryStream before = new(Encoding.UTF8.GetBytes("stored before the outage")))
        {
            await store.UploadAsync("jobs/a/losses.csv", before, "text/csv", CancellationToken.None);
        }

        await WaitForAzuriteToSaveAsync("jobs/a/losses.csv");
        byte[] checkpoint = RandomNumberGenerator.GetBytes(1024 * 1024);
        using MemoryStream checkpointContent = new(checkpoint);

        await azurite.KillAsync();
        Stopwatch sinceKill = Stopwatch.StartNew();
        Task<StoredArtifact> upload = store.UploadAsync(
            "jobs/a/checkpoints/final.ckpt",
            checkpointContent,
            "application/octet-stream",
            CancellationToken.None);
        await Task.Delay(Outage);
        bool completedDuringOutage = upload.IsCompleted;
        await azurite.RestartAsync();
        Stopwatch sinceRestart = Stopwatch.StartNew();
        StoredArtifact stored = await upload.WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(
            $"Upload completed {sinceKill.ElapsedMilliseconds} ms after the kill and " +
            $"{sinceRestart.ElapsedMilliseconds} ms after the restart.");

        completedDuringOutage.ShouldBeFalse();
        stored.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(checkpoint)));
        (await store.TryReadAllBytesAsync("jobs/a/checkpoints/final.ckpt", CancellationToken.None)).ShouldBe(checkpoint);
        (await store.TryReadAllBytesAsync("jobs/a/losses.csv", CancellationToken.None))
            .ShouldBe(Encoding.UTF8.GetBytes("stored before the outage"));
        logger.Entries.ShouldContain(entry =>
            entry.Level == LogLevel.Warning
            && entry.Message.Contains("upload of jobs/a/checkpoints/final.ckpt failed on attempt 1"));
        logger.Entries.ShouldNotContain(entry => entry.Message.Contains(AzuriteServer.AccountKey));
    }

    /// <summary>
    /// Waits until Azurite has written the blob's metadata to disk. Azurite 3.37 saves its metadata database every
    /// 5 s, so a kill right after an upload could lose blobs stored before the outage.
    /// </summary>
    private async Task WaitForAzuriteToSaveAsync(string blobName)
    {
        string database = Path.Combine(azurite.DataFolder, "__azurite_db_blob__.json");
        Stopwatch elapsed = Stopwatch.StartNew();
        while (!File.Exists(database) || !(await File.ReadAllTextAsync(database)).Contains(blobName))
        {
            elapsed.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), $"Azurite did not save {database}");
            await Task.Delay(200);
        }
    }
}
