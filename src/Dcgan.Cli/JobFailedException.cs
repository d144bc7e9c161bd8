using Dcgan.Contracts;

namespace Dcgan.Cli;

/// <summary>The worker published <see cref="JobFailed"/> for the followed job.</summary>
internal sealed class JobFailedException(JobFailed failure)
    : Exception($"Job '{failure.JobId}' failed: {failure.Reason}")
{
    /// <summary>The event, with the reason and every validation error.</summary>
    public JobFailed Failure { get; } = failure;
}
