namespace Dcgan.Contracts;

/// <summary>Event: a worker started (or, after a restart, resumed) a job.</summary>
public sealed record JobStarted
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>Training or generation.</summary>
    public required JobKind Kind { get; init; }

    /// <summary>Name of the worker instance running the job.</summary>
    public required string WorkerId { get; init; }

    /// <summary>Step the job starts from: 0 for a new job, the checkpoint's step when resuming.</summary>
    public long StartStep { get; init; }

    /// <summary>When the job started.</summary>
    public DateTimeOffset StartedAt { get; init; }
}
