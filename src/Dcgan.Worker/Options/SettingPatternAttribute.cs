using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Dcgan.Worker;

/// <summary>
/// Check that a string setting matches a regular expression. The message names the setting key, the value received
/// and <paramref name="rule"/>. Null passes, so combine with <see cref="SettingRequiredAttribute"/> when needed.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SettingPatternAttribute(string pattern, string rule) : ValidationAttribute
{
    private readonly Regex regex = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is null || (value is string text && regex.IsMatch(text)))
        {
            return ValidationResult.Success;
        }

        return SettingKey.Fail(
            validationContext,
            $"{SettingKey.Of(validationContext)} is {SettingKey.Display(value)}: {rule}.");
    }
}
