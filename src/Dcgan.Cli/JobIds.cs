using System.CommandLine;
using System.Globalization;
using System.Text;
using Dcgan.Worker.Storage;

namespace Dcgan.Cli;

/// <summary>The <c>--job-id</c> option and the default id derived from the output folder and the time.</summary>
internal static class JobIds
{
    private const string FallbackPrefix = "dcgan";

    // "-yyyyMMdd-HHmmss" takes 16 of the 64 characters a job id may have.
    private const int MaxPrefixLength = 64 - 16;

    /// <summary>Creates a job id option, such as <c>--job-id</c>, whose values are checked with the worker's rule.</summary>
    public static Option<string?> CreateOption(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (!ArtifactPaths.TryValidateJobId(value, out string? error))
            {
                result.AddError($"{name}: {error}");
            }
        });
        return option;
    }

    /// <summary>
    /// Builds a job id from <paramref name="folderName"/> and the UTC time, such as "fashion-20261204-171500".
    /// Characters that job ids do not allow become '-', and a name without a letter or digit becomes "dcgan".
    /// </summary>
    public static string CreateDefault(string folderName, string? kind, DateTimeOffset now)
    {
        var prefix = new StringBuilder();
        foreach (char c in folderName)
        {
            prefix.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        string name = prefix.ToString().TrimStart('-', '_');
        if (name.Length == 0)
        {
            name = FallbackPrefix;
        }

        if (kind is not null)
        {
            name = $"{name}-{kind}";
        }

        if (name.Length > MaxPrefixLength)
        {
            name = name[..MaxPrefixLength];
        }

        return string.Create(CultureInfo.InvariantCulture, $"{name}-{now.UtcDateTime:yyyyMMdd-HHmmss}");
    }
}
