using Dcgan.Worker.Jobs;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Job locks as exclusively opened files "locks/{jobId}.lock" under the store's root. The operating system drops the
/// lock when the process ends, so a crashed worker leaves nothing to wait for.
/// </summary>
internal sealed class LocalFolderJobLocks(string rootFolder) : IJobLocks
{
    // What .NET reports in HResult when another holder has the file open with FileShare.None: the Windows error
    // ERROR_SHARING_VIOLATION, or the errno EWOULDBLOCK of the failed flock() on Linux (11) and macOS (35).
    private static readonly int[] LockedErrors = [32, 11, 35];

    private readonly RootedFolder folder = new(rootFolder);

    public Task<IAsyncDisposable?> TryAcquireAsync(string jobId, CancellationToken cancellationToken)
    {
        string path = folder.Resolve(ArtifactPaths.JobLock(jobId) + ".lock", "Lock path");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // The file is never deleted: deleting it while another process opens it would give each its own lock.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return Task.FromResult<IAsyncDisposable?>(stream);
        }
        catch (IOException exception) when (LockedErrors.Contains(exception.HResult & 0xFFFF))
        {
            return Task.FromResult<IAsyncDisposable?>(null);
        }
    }
}
