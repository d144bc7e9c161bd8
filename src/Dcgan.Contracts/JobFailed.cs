namespace Dcgan.Contracts;

/// <summary>Event: a job ended without its result. Invalid commands fail at once and are not retried.</summary>
public sealed record JobFailed
{
    /// <summary>The job's id, or the text received (its first 256 characters) when it was not a valid id.</summary>
    public required string JobId { get; init; }

    /// <summary>Training or generation.</summary>
    public required JobKind Kind { get; init; }

    /// <summary>One-sentence reason, fit to show a user.</summary>
    public required string Reason { get; init; }

    /// <summary>Every validation error when the command was invalid, each naming the field, value and allowed range.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>True when the command was rejected as invalid; sending it again unchanged fails again.</summary>
    public bool IsInvalidCommand { get; init; }

    /// <summary>When the job failed.</summary>
    public DateTimeOffset FailedAt { get; init; }
}
