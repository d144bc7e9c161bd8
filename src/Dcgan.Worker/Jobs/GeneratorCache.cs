using Dcgan.Engine;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using Dcgan.Worker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// In-memory cache of generators by checkpoint path, holding at most <see cref="WorkerOptions.GeneratorCacheSize"/>
/// and evicting the least recently used. A checkpoint is downloaded and loaded once even when several jobs ask for
/// it at the same time. A missing checkpoint and a failed load are not cached.
/// </summary>
/// <remarks>
/// NOTE: entries are keyed by path only, so a checkpoint blob replaced under the same name keeps serving the old
/// generator until it is evicted. Final checkpoints of training jobs are never replaced once their manifest exists.
/// </remarks>
internal sealed partial class GeneratorCache(
    IArtifactStore store,
    IOptions<WorkerOptions> workerOptions,
    TimeProvider time,
    ILogger<GeneratorCache> logger) : IDisposable
{
    private readonly Lock sync = new();
    private readonly LinkedList<Entry> recentFirst = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns a lease on the generator of checkpoint <paramref name="checkpointPath"/>, loading it when not cached;
    /// null when the store has no such checkpoint.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint cannot be read.</exception>
    public async Task<GeneratorLease?> TryAcquireAsync(string checkpointPath, CancellationToken cancellationToken)
    {
        while (true)
        {
            Entry entry = GetOrAddEntry(checkpointPath);
            CachedGenerator? generator;
            try
            {
                generator = await entry.Loading.WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Remove(entry);
                throw;
            }

            if (generator is null)
            {
                Remove(entry);
                return null;
            }

            // An entry evicted between lookup and here has a disposed generator, so look it up again.
            if (generator.TryAddLease())
            {
                return new GeneratorLease(generator);
            }
        }
    }

    public void Dispose()
    {
        lock (sync)
        {
            foreach (Entry entry in recentFirst)
            {
                EvictWhenLoaded(entry);
            }

            recentFirst.Clear();
            entries.Clear();
        }
    }

    private Entry GetOrAddEntry(string checkpointPath)
    {
        lock (sync)
        {
            if (entries.TryGetValue(checkpointPath, out LinkedListNode<Entry>? node))
            {
                recentFirst.Remove(node);
                recentFirst.AddFirst(node);
                return node.Value;
            }

            // The load runs without the requester's token, because other jobs may wait for the same generator.
            var entry = new Entry(checkpointPath, LoadAsync(checkpointPath));
            entries[checkpointPath] = recentFirst.AddFirst(entry);
            while (recentFirst.Count > workerOptions.Value.GeneratorCacheSize)
            {
                Entry oldest = recentFirst.Last!.Value;
                recentFirst.RemoveLast();
                entries.Remove(oldest.CheckpointPath);
                EvictWhenLoaded(oldest);
                LogEvicted(logger, oldest.CheckpointPath);
            }

            return entry;
        }
    }

    private void Remove(Entry entry)
    {
        lock (sync)
        {
            if (entries.TryGetValue(entry.CheckpointPath, out LinkedListNode<Entry>? node) && node.Value == entry)
            {
                recentFirst.Remove(node);
                entries.Remove(entry.CheckpointPath);
            }
        }
    }

    private static void EvictWhenLoaded(Entry entry) =>
        entry.Loading.ContinueWith(
            loading => loading.Result?.Evict(),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private async Task<CachedGenerator?> LoadAsync(string checkpointPath)
    {
        await Task.Yield();
        string folder = Path.Combine(Path.GetFullPath(workerOptions.Value.WorkDirectory), "models");
        Directory.CreateDirectory(folder);
        // The local copy keeps the blob's extension, because GeneratorFile chooses the reader by it.
        string extension = GeneratorFile.FindExtension(checkpointPath) ?? CheckpointFile.Extension;
        string local = Path.Combine(folder, $"{Guid.NewGuid():N}{extension}");
        try
        {
            if (!await store.TryDownloadToFileAsync(checkpointPath, local, CancellationToken.None))
            {
                return null;
            }

            long startTimestamp = time.GetTimestamp();
            CachedGenerator generator = await DedicatedThread.RunAsync(() =>
            {
                torch.Device device = DeviceSelector.Resolve(workerOptions.Value.Device);
                DcganGenerator network = LoadGenerator(local, checkpointPath, device, out CheckpointInfo info);
                return new CachedGenerator(network, info, device);
            });
            LogLoaded(
                logger,
                checkpointPath,
                generator.Info.Step,
                generator.Device.ToString(),
                time.GetElapsedTime(startTimestamp).TotalMilliseconds);
            return generator;
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <summary>
    /// Loads the generator from <paramref name="localPath"/>, the downloaded copy of <paramref name="checkpointPath"/>.
    /// The copy has a random name and is deleted after loading, so a read error names the checkpoint in the store.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint cannot be read as a generator.</exception>
    private static DcganGenerator LoadGenerator(
        string localPath,
        string checkpointPath,
        torch.Device device,
        out CheckpointInfo info)
    {
        try
        {
            return GeneratorFile.Load(localPath, device, out info);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException(
                exception.Message.Replace(localPath, checkpointPath, StringComparison.Ordinal),
                exception);
        }
    }

    private sealed record Entry(string CheckpointPath, Task<CachedGenerator?> Loading);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Loaded generator from {Checkpoint} (step {Step}) on {Device} in {ElapsedMs:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string checkpoint, long step, string device, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Evicted generator of {Checkpoint} from the cache")]
    private static partial void LogEvicted(ILogger logger, string checkpoint);
}
