using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Dcgan.Worker;

/// <summary>Formats setting keys and values for validation messages.</summary>
internal static class SettingKey
{
    /// <summary>Returns the full configuration key of the member being validated, such as "Dcgan:RabbitMq:Port".</summary>
    public static string Of(ValidationContext context)
    {
        string member = context.MemberName ?? context.DisplayName;
        return context.ObjectInstance is IOptionsSection section ? $"{section.SectionPath}:{member}" : member;
    }

    /// <summary>Formats a setting value with the invariant culture, quoting strings.</summary>
    public static string Display(object? value) => value switch
    {
        null => "(not set)",
        string text => $"'{text}'",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Builds a failed result for the member being validated.</summary>
    public static ValidationResult Fail(ValidationContext context, string message) =>
        new(message, context.MemberName is null ? null : [context.MemberName]);
}
