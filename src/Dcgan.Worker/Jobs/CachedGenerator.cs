using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using TorchSharp;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// A generator loaded from a checkpoint and shared by generation jobs. Sampling calls are serialized by a lock,
/// and the network is disposed only when it is evicted and no lease uses it any more.
/// </summary>
internal sealed class CachedGenerator
{
    private readonly Lock samplingLock = new();
    private readonly Lock stateLock = new();
    private int leases;
    private bool evicted;
    private bool disposed;

    public CachedGenerator(DcganGenerator generator, CheckpointInfo info, torch.Device device)
    {
        Generator = generator;
        Info = info;
        Device = device;
    }

    /// <summary>The network in eval mode, used only inside <see cref="Use{T}"/>.</summary>
    private DcganGenerator Generator { get; }

    /// <summary>Metadata of the checkpoint the generator came from.</summary>
    public CheckpointInfo Info { get; }

    /// <summary>Device the generator lives on.</summary>
    public torch.Device Device { get; }

    /// <summary>Runs <paramref name="work"/> with the generator while no other job samples from it.</summary>
    public T Use<T>(Func<DcganGenerator, T> work)
    {
        lock (samplingLock)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return work(Generator);
        }
    }

    /// <summary>Counts a new user, or returns false when the generator was evicted meanwhile.</summary>
    public bool TryAddLease()
    {
        lock (stateLock)
        {
            if (evicted)
            {
                return false;
            }

            leases++;
            return true;
        }
    }

    /// <summary>Ends one use, and disposes the generator when it was evicted and this was the last use.</summary>
    public void ReleaseLease()
    {
        lock (stateLock)
        {
            leases--;
            DisposeIfUnused();
        }
    }

    /// <summary>Marks the generator as out of the cache, and disposes it now unless a lease still uses it.</summary>
    public void Evict()
    {
        lock (stateLock)
        {
            evicted = true;
            DisposeIfUnused();
        }
    }

    private void DisposeIfUnused()
    {
        if (!evicted || leases > 0 || disposed)
        {
            return;
        }

        lock (samplingLock)
        {
            disposed = true;
            Generator.Dispose();
        }
    }
}
