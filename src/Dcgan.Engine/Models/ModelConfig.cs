using System.Globalization;
using System.Numerics;

namespace Dcgan.Engine.Models;

/// <summary>
/// Shape of a generator and discriminator pair. Both networks are built from it, and a checkpoint stores it.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Smallest supported image side in pixels.</summary>
    public const int MinImageSize = 16;

    /// <summary>Largest supported image side in pixels.</summary>
    public const int MaxImageSize = 128;

    /// <summary>Side of the square images in pixels: a power of two from 16 to 128.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Channels per image: 1 (grayscale) or 3 (RGB).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Length of the latent vector z.</summary>
    public int LatentSize { get; init; } = 100;

    /// <summary>Feature maps of the generator's last hidden layer; earlier layers have multiples of it.</summary>
    public int GeneratorFeatures { get; init; } = 64;

    /// <summary>Feature maps of the discriminator's first layer; later layers have multiples of it.</summary>
    public int DiscriminatorFeatures { get; init; } = 64;

    /// <summary>Number of stride-2 layers between a 4×4 map and the image.</summary>
    public int UpsamplingLayers => BitOperations.Log2((uint)ImageSize) - 2;

    /// <summary>
    /// Returns every problem with this configuration, each naming the value and what is allowed.
    /// </summary>
    public IReadOnlyList<string> Validate() => [.. FindProblems().Select(problem => problem.Message)];

    /// <summary>Returns every problem with this configuration, with the property each one belongs to.</summary>
    public IReadOnlyList<ConfigProblem> FindProblems()
    {
        var problems = new List<ConfigProblem>();
        bool isPowerOfTwo = ImageSize > 0 && BitOperations.IsPow2(ImageSize);
        if (!isPowerOfTwo || ImageSize < MinImageSize || ImageSize > MaxImageSize)
        {
            problems.Add(Problem(
                nameof(ImageSize),
                "Image size",
                ImageSize,
                $"is not supported: use a power of two from {MinImageSize} to {MaxImageSize} (16, 32, 64 or 128), " +
                "because each network layer halves or doubles the side down to 4×4."));
        }

        if (Channels is not (1 or 3))
        {
            problems.Add(Problem(nameof(Channels), "Channels", Channels, "is not supported: use 1 (grayscale) or 3 (RGB)."));
        }

        if (LatentSize is < 1 or > 4096)
        {
            problems.Add(Problem(nameof(LatentSize), "Latent size", LatentSize, "is out of range: use 1 to 4096."));
        }

        if (GeneratorFeatures is < 1 or > 1024)
        {
            problems.Add(Problem(
                nameof(GeneratorFeatures), "Generator features", GeneratorFeatures, "is out of range: use 1 to 1024."));
        }

        if (DiscriminatorFeatures is < 1 or > 1024)
        {
            problems.Add(Problem(
                nameof(DiscriminatorFeatures), "Discriminator features", DiscriminatorFeatures, "is out of range: use 1 to 1024."));
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the configuration is invalid.</summary>
    public void EnsureValid()
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }
    }

    private static ConfigProblem Problem(string property, string label, int value, string rule) =>
        new(property, label, value.ToString(CultureInfo.InvariantCulture), rule);
}
