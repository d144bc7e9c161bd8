using Dcgan.Worker.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dcgan.Worker.Health;

/// <summary>Health check that lists a small prefix of the artifact store to check that the store responds.</summary>
internal sealed class StorageHealthCheck(IArtifactStore store) : IHealthCheck
{
    // A prefix that contains no artifacts, so the listing stays cheap on any store.
    private const string ProbePrefix = "health/";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await store.ListAsync(ProbePrefix, cancellationToken);
            return HealthCheckResult.Healthy("The artifact store answered.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"The artifact store did not answer: {exception.Message}",
                exception);
        }
    }
}
