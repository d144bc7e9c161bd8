namespace Dcgan.Worker.Jobs;

/// <summary>Name of this worker instance in events: machine name and process id, such as "gpu-node-3-4711".</summary>
internal static class WorkerIdentity
{
    /// <summary>The id of the running process.</summary>
    public static string WorkerId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}
