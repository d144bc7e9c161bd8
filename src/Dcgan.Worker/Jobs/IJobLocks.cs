namespace Dcgan.Worker.Jobs;

/// <summary>
/// One lock per job id shared by every worker on the same store, so that two deliveries of one command never run at
/// the same time.
/// </summary>
internal interface IJobLocks
{
    /// <summary>
    /// Takes the lock of <paramref name="jobId"/> until the result is disposed. Returns null when another worker has
    /// it. A lock left behind by a worker that died is taken once it expires.
    /// </summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string jobId, CancellationToken cancellationToken);
}
