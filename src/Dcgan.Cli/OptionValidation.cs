using System.CommandLine;
using System.CommandLine.Parsing;

namespace Dcgan.Cli;

/// <summary>Checks of option values, reported by the parser with the option name, the value and what is allowed.</summary>
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

    /// <summary>Range check of an optional value; an absent value passes.</summary>
    public static Option<T?> InRange<T>(this Option<T?> option, T minimum, T maximum)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            T? value = result.GetValueOrDefault<T?>();
            if (value is { } given && (given.CompareTo(minimum) < 0 || given.CompareTo(maximum) > 0))
            {
                result.AddError($"{option.Name} {given} is out of range: use {minimum} to {maximum}.");
            }
        });
        return option;
    }

    /// <summary>Lower bound of an optional count; <paramref name="unit"/> names what is counted, such as "images".</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum, string unit)
    {
        option.Validators.Add(result =>
        {
            int? value = result.GetValueOrDefault<int?>();
            if (value < minimum)
            {
                result.AddError($"{option.Name} {value} is out of range: use {minimum} or more {unit}.");
            }
        });
        return option;
    }

    /// <summary>
    /// Range check of an optional count for which 0 turns a feature off. <paramref name="zeroMeaning"/> describes what
    /// 0 does, such as "to train without scores".
    /// </summary>
    public static Option<int?> ZeroOrInRange(this Option<int?> option, int minimum, int maximum, string zeroMeaning)
    {
        option.Validators.Add(result =>
        {
            int? value = result.GetValueOrDefault<int?>();
            if (value is { } given && given != 0 && (given < minimum || given > maximum))
            {
                result.AddError($"{option.Name} {given} is out of range: use 0 {zeroMeaning}, or {minimum} to {maximum}.");
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

    /// <summary>
    /// Prints a warning on stderr for each of <paramref name="options"/> given on the command line, because they set
    /// up the worker in this process and a worker reached through a broker uses its own settings.
    /// </summary>
    public static void WarnIgnoredWithBroker(ParseResult parse, params Option[] options)
    {
        foreach (Option option in options)
        {
            if (parse.GetResult(option) is OptionResult { Implicit: false })
            {
                Console.Error.WriteLine(
                    $"Warning: {option.Name} is ignored with --broker, because the remote worker uses its own settings.");
            }
        }
    }
}
