namespace Dcgan.Contracts;

/// <summary>Event: a job stopped because a <see cref="CancelJob"/> command asked for it.</summary>
public sealed record JobCancelled
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>Training or generation.</summary>
    public required JobKind Kind { get; init; }

    /// <summary>The reason given in the cancel command.</summary>
    public required string Reason { get; init; }

    /// <summary>Training step reached when the job stopped, or 0 when it had not started.</summary>
    public long StoppedAtStep { get; init; }

    /// <summary>Name of the worker that stopped the job.</summary>
    public required string WorkerId { get; init; }

    /// <summary>When the job stopped.</summary>
    public DateTimeOffset CancelledAt { get; init; }
}
