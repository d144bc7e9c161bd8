using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dcgan.Engine.Training;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Builder and validator of artifact and blob names. Every artifact name the worker stores is built here from a
/// validated job id and a fixed trainer output name, and every blob name received in a message is checked here.
/// </summary>
public static partial class ArtifactPaths
{
    /// <summary>Maximum length of a blob name received in a message, in characters.</summary>
    public const int MaxRelativeBlobNameLength = 512;

    /// <summary>Loss history of a training job as CSV.</summary>
    public const string LossHistoryCsv = "losses.csv";

    /// <summary>Loss history of a training job drawn as PNG.</summary>
    public const string LossPlotPng = "losses.png";

    /// <summary>Checkpoint scores of a training job as CSV, stored when the job is scored.</summary>
    public const string ScoresCsv = "scores.csv";

    /// <summary>Copy of the best-scored checkpoint of a training job, stored when the job is scored.</summary>
    public const string BestCheckpoint = "checkpoints/" + DcganTrainer.BestCheckpointName;

    /// <summary>All generated images of a generation job in one PNG grid.</summary>
    public const string GridPng = "grid.png";

    private const string JobIdRule =
        "expected 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_', starting with a letter or digit";

    private const string RelativeBlobNameRule =
        "expected a blob name relative to the container, at most 512 characters, with segments separated by " +
        "single '/' and no '.' or '..' segments, backslashes, control characters, percent-encoded sequences " +
        "or scheme such as 'https:'";

    private const string JobOutputRule =
        "expected 'losses.csv', 'losses.png', 'scores.csv', 'grid.png', 'images/image-NNNNN.png', 'checkpoints/NAME' or " +
        "'samples/NAME', where NAME starts with a letter or digit and contains only A-Z, a-z, 0-9, '.', '-' and '_'";

    private const int MaxDisplayedValueLength = 100;

    /// <summary>Checks <paramref name="jobId"/> and throws when it is not a valid job id.</summary>
    /// <exception cref="ArgumentException">The id is empty, too long or contains other characters.</exception>
    public static void ValidateJobId(string? jobId)
    {
        if (!TryValidateJobId(jobId, out string? error))
        {
            throw new ArgumentException(error, nameof(jobId));
        }
    }

    /// <summary>
    /// Checks <paramref name="jobId"/>. On failure <paramref name="error"/> is a message naming the value and the rule.
    /// </summary>
    public static bool TryValidateJobId(string? jobId, [NotNullWhen(false)] out string? error)
    {
        if (jobId is not null && JobIdPattern().IsMatch(jobId))
        {
            error = null;
            return true;
        }

        error = $"Job id {Quote(jobId)} is invalid: {JobIdRule}.";
        return false;
    }

    /// <summary>Folder of all artifacts of a job: "jobs/{jobId}/".</summary>
    /// <exception cref="ArgumentException"><paramref name="jobId"/> is not a valid job id.</exception>
    public static string JobPrefix(string jobId)
    {
        ValidateJobId(jobId);
        return $"jobs/{jobId}/";
    }

    /// <summary>Manifest of a job: "jobs/{jobId}/manifest.json".</summary>
    /// <exception cref="ArgumentException"><paramref name="jobId"/> is not a valid job id.</exception>
    public static string Manifest(string jobId) => JobPrefix(jobId) + "manifest.json";

    /// <summary>
    /// Record of a cancelled job: "cancellations/{jobId}.json". It lies outside the job's folder, so a manifest never
    /// lists it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="jobId"/> is not a valid job id.</exception>
    public static string Cancellation(string jobId)
    {
        ValidateJobId(jobId);
        return $"cancellations/{jobId}.json";
    }

    /// <summary>Blob whose lease marks the worker running a job: "locks/{jobId}".</summary>
    /// <exception cref="ArgumentException"><paramref name="jobId"/> is not a valid job id.</exception>
    public static string JobLock(string jobId)
    {
        ValidateJobId(jobId);
        return $"locks/{jobId}";
    }

    /// <summary>
    /// Combines a job id with a trainer output name: <see cref="LossHistoryCsv"/>, <see cref="LossPlotPng"/>,
    /// <see cref="ScoresCsv"/>, <see cref="GridPng"/>, an <see cref="Image"/> name, "checkpoints/NAME" or "samples/NAME".
    /// </summary>
    /// <exception cref="ArgumentException">The job id or the output name is invalid.</exception>
    public static string Job(string jobId, string relative)
    {
        string prefix = JobPrefix(jobId);
        if (relative is null || !JobOutputPattern().IsMatch(relative))
        {
            throw new ArgumentException(
                $"Job output name {Quote(relative)} is invalid: {JobOutputRule}.",
                nameof(relative));
        }

        return prefix + relative;
    }

    /// <summary>
    /// Name of generated image <paramref name="index"/> (from 0) relative to the job, such as "images/image-00000.png".
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static string Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return string.Create(CultureInfo.InvariantCulture, $"images/image-{index:D5}.png");
    }

    /// <summary>
    /// Checks a blob name or prefix received in a message (data-set prefix, zip blob, checkpoint path) and throws
    /// unless it is a plain relative name: no URL, absolute path, '..' segment or escaped character.
    /// </summary>
    /// <param name="name">The name to check.</param>
    /// <param name="what">The field the name came from, used in the error message, such as "Dataset.Name".</param>
    /// <exception cref="ArgumentException">The name is invalid. The message names the field, the value and the rule.</exception>
    public static void ValidateRelativeBlobName(string? name, string what)
    {
        if (!TryValidateRelativeBlobName(name, what, out string? error))
        {
            throw new ArgumentException(error, nameof(name));
        }
    }

    /// <summary>
    /// Checks a blob name received in a message like <see cref="ValidateRelativeBlobName"/>. On failure
    /// <paramref name="error"/> is a message naming the field, the value and the rule.
    /// </summary>
    public static bool TryValidateRelativeBlobName(string? name, string what, [NotNullWhen(false)] out string? error)
    {
        string? problem = FindRelativeBlobNameProblem(name);
        if (problem is null)
        {
            error = null;
            return true;
        }

        error = $"{what} {Quote(name)} is invalid because {problem}: {RelativeBlobNameRule}.";
        return false;
    }

    /// <summary>
    /// Returns why <paramref name="name"/> is not a safe relative name, as a clause such as "it contains a '..'
    /// segment", or null when it is safe.
    /// </summary>
    internal static string? FindRelativeBlobNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxRelativeBlobNameLength)
        {
            return $"it has {name.Length} characters";
        }

        if (name.Any(char.IsControl))
        {
            return "it contains a control character";
        }

        if (name.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains a backslash";
        }

        if (name.StartsWith('/'))
        {
            return "it is an absolute path";
        }

        // A colon in the first segment is a URI scheme ("https:", "file:") or a drive letter ("C:").
        int firstSlash = name.IndexOf('/', StringComparison.Ordinal);
        string firstSegment = firstSlash < 0 ? name : name[..firstSlash];
        if (firstSegment.Contains(':', StringComparison.Ordinal))
        {
            return "it starts with a scheme or drive letter";
        }

        if (PercentEncodedPattern().IsMatch(name))
        {
            return "it contains a percent-encoded sequence";
        }

        if (name.Contains("//", StringComparison.Ordinal))
        {
            return "it contains an empty segment ('//')";
        }

        foreach (string segment in name.Split('/'))
        {
            if (segment is "." or "..")
            {
                return $"it contains a '{segment}' segment";
            }
        }

        return null;
    }

    /// <summary>Quotes a value for an error message, truncated and with control characters escaped.</summary>
    internal static string Quote(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        bool truncated = value.Length > MaxDisplayedValueLength;
        StringBuilder builder = new("'");
        foreach (char c in truncated ? value[..MaxDisplayedValueLength] : value)
        {
            if (char.IsControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('\'');
        if (truncated)
        {
            builder.Append(
                CultureInfo.InvariantCulture,
                $" (first {MaxDisplayedValueLength} of {value.Length} characters)");
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex JobIdPattern();

    [GeneratedRegex(
        @"^(losses\.csv|losses\.png|scores\.csv|grid\.png|images/image-[0-9]{5,}\.png" +
        @"|(checkpoints|samples)/[A-Za-z0-9][A-Za-z0-9._-]{0,127})\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex JobOutputPattern();

    [GeneratedRegex("%[0-9A-Fa-f]{2}", RegexOptions.CultureInvariant)]
    private static partial Regex PercentEncodedPattern();
}
