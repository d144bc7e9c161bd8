using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Dcgan.Worker;

/// <summary>Range check whose message names the setting key, the value received and the allowed range.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SettingRangeAttribute : RangeAttribute
{
    public SettingRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public SettingRangeAttribute(double minimum, double maximum)
        : base(minimum, maximum)
    {
    }

    public SettingRangeAttribute(Type type, string minimum, string maximum)
        : base(type, minimum, maximum)
    {
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (IsValid(value))
        {
            return ValidationResult.Success;
        }

        // Bounds of TimeSpan ranges are strings such as "00:01:00", shown unquoted like the value.
        string lower = (MinimumIsExclusive ? "above " : string.Empty) + Convert.ToString(Minimum, CultureInfo.InvariantCulture);
        string upper = (MaximumIsExclusive ? "below " : string.Empty) + Convert.ToString(Maximum, CultureInfo.InvariantCulture);
        return SettingKey.Fail(
            validationContext,
            $"{SettingKey.Of(validationContext)} is {SettingKey.Display(value)}: use {lower} to {upper}.");
    }
}
