namespace Dcgan.Worker.Jobs;

/// <summary>Runs a job's tensor work on a thread of its own.</summary>
internal static class DedicatedThread
{
    /// <summary>
    /// Runs <paramref name="work"/> on a new thread and returns its result. TorchSharp dispose scopes are
    /// thread-static, so one training or sampling loop must run from start to end on one thread, and a long loop
    /// must not occupy a thread-pool thread.
    /// </summary>
    public static Task<T> RunAsync<T>(Func<T> work) =>
        Task.Factory.StartNew(
            work,
            CancellationToken.None,
            TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
            TaskScheduler.Default);
}
