namespace Dcgan.Contracts;

/// <summary>
/// Command to stop a job. Publish it (do not send it to a queue): every worker receives it, the one running the job
/// stops it within seconds, and the job does not run again when its command is delivered later.
/// </summary>
public sealed record CancelJob
{
    /// <summary>Id of the job to stop, as in its command.</summary>
    public required string JobId { get; init; }

    /// <summary>Why the job is stopped, repeated in <see cref="JobCancelled"/>: up to 500 characters.</summary>
    public string Reason { get; init; } = "cancelled by request";
}
