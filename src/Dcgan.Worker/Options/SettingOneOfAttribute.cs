using System.ComponentModel.DataAnnotations;

namespace Dcgan.Worker;

/// <summary>
/// Check that a setting is one of a fixed set of values, comparing strings case-insensitively. The message names
/// the setting key, the value received and the allowed values.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SettingOneOfAttribute(params object[] allowedValues) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        bool allowed = value is string text
            ? allowedValues.OfType<string>().Any(candidate => string.Equals(candidate, text, StringComparison.OrdinalIgnoreCase))
            : allowedValues.Contains(value);
        if (allowed)
        {
            return ValidationResult.Success;
        }

        string choices = string.Join(", ", allowedValues.Select(SettingKey.Display));
        return SettingKey.Fail(
            validationContext,
            $"{SettingKey.Of(validationContext)} is {SettingKey.Display(value)}: use one of {choices}.");
    }
}
