using System.Diagnostics.CodeAnalysis;
using Dcgan.Engine.Models;

namespace Dcgan.Benchmarks;

/// <summary>Image shape of one benchmark case, written as "32x32x1" in parameters and reports.</summary>
public sealed record ImageShape(int Size, int Channels)
{
    /// <summary>Parses "SIZExSIZExCHANNELS" with a size and channel count that the DCGAN networks support.</summary>
    /// <exception cref="FormatException">The text is not such a shape.</exception>
    public static ImageShape Parse(string text)
    {
        if (!TryParse(text, out ImageShape? shape, out string? error))
        {
            throw new FormatException(error);
        }

        return shape;
    }

    /// <summary>
    /// Parses "SIZExSIZExCHANNELS". Returns false, with a message that names the invalid value and what is allowed,
    /// when the text is not in that form or the networks do not support its size or channel count.
    /// </summary>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out ImageShape? shape,
        [NotNullWhen(false)] out string? error)
    {
        shape = null;
        string[] parts = text.Split('x');
        if (parts.Length != 3 || parts[0] != parts[1]
            || !int.TryParse(parts[0], out int size) || !int.TryParse(parts[2], out int channels))
        {
            error = $"Image shape '{text}' is not valid: write SIZExSIZExCHANNELS, such as 32x32x1.";
            return false;
        }

        var model = new ModelConfig { ImageSize = size, Channels = channels };
        string[] problems =
        [
            .. model.FindProblems()
                .Where(problem => problem.Property is nameof(ModelConfig.ImageSize) or nameof(ModelConfig.Channels))
                .Select(problem => problem.Message),
        ];
        if (problems.Length > 0)
        {
            error = string.Join(" ", problems);
            return false;
        }

        shape = new ImageShape(size, channels);
        error = null;
        return true;
    }

    public override string ToString() => $"{Size}x{Size}x{Channels}";
}
