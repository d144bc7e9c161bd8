namespace Dcgan.Worker;

/// <summary>How often the worker checks its health and where it writes the result for container probes.</summary>
public sealed class HealthOptions : IOptionsSection
{
    /// <summary>Configuration section these options bind to.</summary>
    public const string SectionName = "Dcgan:Health";

    /// <summary>
    /// File that receives the overall status ("Healthy", "Degraded" or "Unhealthy") and the check time after each
    /// run, for exec probes such as <c>grep -q Healthy /tmp/dcgan-worker.health</c>. Null or empty writes no file.
    /// </summary>
    public string? StatusFile { get; set; }

    /// <summary>Time between two health check runs.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time limit of the storage check. A slower response counts as unhealthy.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    string IOptionsSection.SectionPath => SectionName;
}
