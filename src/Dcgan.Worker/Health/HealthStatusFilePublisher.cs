using System.Globalization;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Health;

/// <summary>
/// Publisher of health reports: logs each change of the overall status, and writes the status to
/// <see cref="HealthOptions.StatusFile"/> after every run for container exec probes. The file's first line is the
/// status, the second the UTC check time, then one line per check.
/// </summary>
internal sealed partial class HealthStatusFilePublisher(
    IOptions<HealthOptions> options,
    TimeProvider time,
    ILogger<HealthStatusFilePublisher> logger) : IHealthCheckPublisher
{
    // The hosted service calls PublishAsync once per period, never concurrently, so these need no lock.
    private HealthStatus? lastStatus;
    private string? lastWriteError;

    public async Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (report.Status != lastStatus)
        {
            LogStatusChange(report);
            lastStatus = report.Status;
        }

        string? statusFile = options.Value.StatusFile;
        if (string.IsNullOrWhiteSpace(statusFile))
        {
            return;
        }

        try
        {
            await WriteAtomicallyAsync(Path.GetFullPath(statusFile), Format(report), cancellationToken);
            lastWriteError = null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Logged once per distinct error, so a read-only folder does not log every period.
            if (exception.Message != lastWriteError)
            {
                lastWriteError = exception.Message;
                LogWriteFailed(logger, exception, statusFile);
            }
        }
    }

    private void LogStatusChange(HealthReport report)
    {
        string previous = lastStatus?.ToString() ?? "unknown";
        if (report.Status == HealthStatus.Healthy)
        {
            LogHealthy(logger, previous, report.TotalDuration.TotalMilliseconds);
            return;
        }

        string problems = string.Join(
            "; ",
            report.Entries
                .Where(entry => entry.Value.Status != HealthStatus.Healthy)
                .Select(entry => $"{entry.Key}: {entry.Value.Status} ({entry.Value.Description ?? entry.Value.Exception?.Message})"));
        LogUnhealthy(logger, report.Status, previous, problems);
    }

    private string Format(HealthReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{report.Status}\n{time.GetUtcNow():O}\n");
        foreach ((string name, HealthReportEntry entry) in report.Entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: {entry.Status}\n");
        }

        return text.ToString();
    }

    // A probe must never read a half-written file, so the content goes to a temporary file that replaces the old one.
    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        string folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temporary, content, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Worker health is Healthy (was {PreviousStatus}), checks took {ElapsedMs:F0} ms")]
    private static partial void LogHealthy(ILogger logger, string previousStatus, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker health is {Status} (was {PreviousStatus}): {Problems}")]
    private static partial void LogUnhealthy(ILogger logger, HealthStatus status, string previousStatus, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the health status file {StatusFile}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string statusFile);
}
