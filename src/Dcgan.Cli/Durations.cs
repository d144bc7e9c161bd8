using System.CommandLine;
using System.Globalization;

namespace Dcgan.Cli;

/// <summary>Durations on the command line: a number with the unit s, m, h or d (such as 90s or 2h), or hh:mm:ss.</summary>
internal static class Durations
{
    private const string Form = "use a number followed by s, m, h or d (such as 90s, 10m or 2h), or hh:mm:ss";

    /// <summary>Creates an option that parses a duration and accepts 1 second to 30 days.</summary>
    public static Option<TimeSpan?> CreateOption(string name, string description)
    {
        return new Option<TimeSpan?>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (TryParse(text, out TimeSpan value) && value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromDays(30))
                {
                    return value;
                }

                result.AddError($"{name} '{text}' is invalid: {Form}, from 1s to 30d.");
                return null;
            },
        };
    }

    /// <summary>Parses "90s", "1.5h", "10m", "2d" or "01:30:00". Returns false for anything else.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        if (text.Length < 2
            || !double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }

        double? seconds = char.ToLowerInvariant(text[^1]) switch
        {
            's' => number,
            'm' => number * 60,
            'h' => number * 3600,
            'd' => number * 86400,
            _ => null,
        };
        if (seconds is null || !double.IsFinite(seconds.Value) || seconds.Value > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }

    /// <summary>Formats a duration for messages, such as "10m" or "1h 30m 5s".</summary>
    public static string Format(TimeSpan value)
    {
        var parts = new List<string>();
        if (value.Days > 0)
        {
            parts.Add($"{value.Days}d");
        }

        if (value.Hours > 0)
        {
            parts.Add($"{value.Hours}h");
        }

        if (value.Minutes > 0)
        {
            parts.Add($"{value.Minutes}m");
        }

        if (value.Seconds > 0 || parts.Count == 0)
        {
            parts.Add($"{value.Seconds}s");
        }

        return string.Join(' ', parts);
    }
}
