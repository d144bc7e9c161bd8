using System.CommandLine;

namespace Dcgan.Cli;

/// <summary>Range checks for numeric options, reported by the parser with the option name, value and range.</summary>
internal static class OptionValidation
{
    public static Option<T> InRange<T>(this Option<T> option, T minimum, T maximum)
        where T : IComparable<T>
    {
        option.Validators.Add(result =>
        {
            T value = result.GetValueOrDefault<T>();
            if (value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
            {
                result.AddError($"{option.Name} {value} is out of range: use {minimum} to {maximum}.");
            }
        });
        return option;
    }

    public static Option<T> OneOf<T>(this Option<T> option, params T[] allowed)
    {
        option.Validators.Add(result =>
        {
            T value = result.GetValueOrDefault<T>();
            if (!allowed.Contains(value))
            {
                result.AddError($"{option.Name} '{value}' is not supported: use {string.Join(", ", allowed)}.");
            }
        });
        return option;
    }
}
