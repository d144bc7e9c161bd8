using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Azure.Storage.Blobs;

namespace Dcgan.Worker.Storage;

/// <summary>Settings of the Azure Blob Storage account that stores artifacts and user data sets.</summary>
public sealed class BlobStorageOptions : IValidatableObject
{
    private const string ContainerNamePattern = @"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]\z";

    private const string ContainerNameRule =
        "The container name must be 3 to 63 characters of a-z, 0-9 and '-', start and end with a letter or digit, " +
        "and contain no '--'.";

    /// <summary>
    /// Default REST API version: the newest that both Azure.Storage.Blobs 12.30.1 and Azurite 3.37.0 support.
    /// Azurite 3.37.0 rejects the SDK's own default, 2026-10-06, unless started with --skipApiVersionCheck.
    /// </summary>
    public const string DefaultServiceVersion = "2026-06-06";

    /// <summary>Storage account connection string. Secret: never logged, and left out of <see cref="ToString"/>.</summary>
    [Required]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Container for job artifacts (checkpoints, images, manifests).</summary>
    [Required]
    [RegularExpression(ContainerNamePattern, ErrorMessage = ContainerNameRule)]
    public string ArtifactContainer { get; set; } = "dcgan-artifacts";

    /// <summary>Container that user data sets are read from, as blob prefixes or zip blobs.</summary>
    [Required]
    [RegularExpression(ContainerNamePattern, ErrorMessage = ContainerNameRule)]
    public string DatasetContainer { get; set; } = "dcgan-datasets";

    /// <summary>
    /// REST API version sent with every request, as "yyyy-MM-dd". It must be one that this SDK version supports
    /// and that the server accepts.
    /// </summary>
    [Required]
    public string ServiceVersion { get; set; } = DefaultServiceVersion;

    /// <summary>
    /// Attempts per storage operation, the first included. With the default delays, the 8 waits between 9 attempts
    /// add up to 55 to 106 seconds, 87 s in the median (2,000 runs of the Polly 8.9.1 backoff), which rides out a
    /// 30-second outage. The first attempt after an outage comes up to <see cref="MaxDelay"/> after storage is back.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 9;

    /// <summary>Median delay before the first retry. Later delays grow exponentially, with random jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Maximum delay between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time limit of one attempt, after which it is cancelled and retried. It must cover the largest transfer, such
    /// as a zip data set of up to 4 GiB, on the slowest link the worker uses. A connection that stops sending is
    /// detected sooner by the SDK's timeout on each network operation (RetryOptions.NetworkTimeout, 100 s by default).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Returns the settings without the connection string, so the result is safe to log.</summary>
    public override string ToString()
    {
        string connectionString = string.IsNullOrEmpty(ConnectionString) ? "(empty)" : "(set, hidden)";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"BlobStorageOptions {{ ConnectionString = {connectionString}, ArtifactContainer = {ArtifactContainer}, " +
            $"DatasetContainer = {DatasetContainer}, ServiceVersion = {ServiceVersion}, MaxAttempts = {MaxAttempts}, " +
            $"BaseDelay = {BaseDelay}, MaxDelay = {MaxDelay}, AttemptTimeout = {AttemptTimeout} }}");
    }

    /// <summary>Checks the rules that span several settings or need the SDK.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TryParseServiceVersion(ServiceVersion, out _))
        {
            yield return new ValidationResult(DescribeUnknownServiceVersion(ServiceVersion), [nameof(ServiceVersion)]);
        }

        if (MaxDelay < BaseDelay)
        {
            yield return new ValidationResult(
                $"MaxDelay ({MaxDelay}) is shorter than BaseDelay ({BaseDelay}); expected MaxDelay >= BaseDelay.",
                [nameof(MaxDelay), nameof(BaseDelay)]);
        }

        if (ArtifactContainer == DatasetContainer)
        {
            yield return new ValidationResult(
                $"ArtifactContainer and DatasetContainer are both '{ArtifactContainer}'; expected two containers.",
                [nameof(ArtifactContainer), nameof(DatasetContainer)]);
        }
    }

    /// <summary>Returns the error message for a service version that the SDK does not support.</summary>
    internal static string DescribeUnknownServiceVersion(string? version) =>
        $"ServiceVersion '{version}' is not an API version that Azure.Storage.Blobs 12.30.1 supports; expected " +
        $"'yyyy-MM-dd' such as '{DefaultServiceVersion}'.";

    /// <summary>Converts a version such as "2026-06-06" to the SDK's enum value.</summary>
    internal static bool TryParseServiceVersion(string? version, out BlobClientOptions.ServiceVersion value)
    {
        value = default;
        return version is { Length: 10 }
            && DateOnly.TryParseExact(version, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && Enum.TryParse("V" + version.Replace('-', '_'), ignoreCase: false, out value)
            && Enum.IsDefined(value);
    }
}
