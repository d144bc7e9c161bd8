using System.ComponentModel.DataAnnotations;

namespace Dcgan.Worker;

/// <summary>Check that a string setting is present and not blank. The message names the setting key.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SettingRequiredAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is string text && !string.IsNullOrWhiteSpace(text))
        {
            return ValidationResult.Success;
        }

        // The value is not shown: it is blank, and the setting may be a secret.
        return SettingKey.Fail(validationContext, $"{SettingKey.Of(validationContext)} is missing or blank: set a value.");
    }
}
