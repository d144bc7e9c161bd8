using System.Globalization;
using System.Text.RegularExpressions;
using Dcgan.Engine.Models;
using static TorchSharp.torch;

namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>
/// Loads a <see cref="DcganGenerator"/> from a state dict that PyTorch wrote: <c>torch.save(generator.state_dict(),
/// path)</c> as <c>.pth</c> or <c>.pt</c>, or a <c>.safetensors</c> file. The network must use the layer sequence of
/// PyTorch's DCGAN example, which <see cref="DcganGenerator"/> and bench/pytorch/dcgan_reference.py share, so its
/// keys read <c>main.0.weight</c>, <c>main.1.running_mean</c> and so on.
/// </summary>
public static partial class PyTorchGeneratorFile
{
    /// <summary>File name extensions read as PyTorch state dicts.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".pth", ".pt", ".safetensors"];

    private const int MaxListedProblems = 8;

    /// <summary>Returns true when <paramref name="path"/> ends in one of <see cref="Extensions"/>.</summary>
    public static bool IsPyTorchFile(string path) =>
        Extensions.Any(extension => path.EndsWith(extension, StringComparison.Ordinal));

    /// <summary>
    /// Reads the state dict in <paramref name="path"/>, infers the generator's shape from its tensors, checks every
    /// key and shape, and returns the generator on <paramref name="device"/> in eval mode.
    /// </summary>
    /// <param name="path">A <c>.pth</c>, <c>.pt</c> or <c>.safetensors</c> file.</param>
    /// <param name="device">Device to move the generator to.</param>
    /// <param name="expected">When set, the shape the file must have; a different one is rejected.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file cannot be read, contains more than tensors, or does not match a supported generator. The message names
    /// the key and the expected and found shapes.
    /// </exception>
    public static DcganGenerator Load(string path, Device device, ModelConfig? expected = null)
    {
        using StateDict weights = path.EndsWith(".safetensors", StringComparison.Ordinal)
            ? SafetensorsFile.Read(path)
            : TorchZipFile.Read(path);
        ModelConfig config = InferConfig(weights);
        if (expected is not null)
        {
            CheckExpected(config, expected, path);
        }

        return GeneratorFile.Build(config, device, generator => CopyWeights(weights, generator));
    }

    /// <summary>
    /// Infers the generator's shape: latent size from the input channels of <c>main.0.weight</c>, the image size
    /// from the index of the last transposed convolution (three modules per stride-2 layer), and channels and
    /// generator features from that convolution's weight.
    /// </summary>
    internal static ModelConfig InferConfig(StateDict weights)
    {
        string path = weights.Source;
        Tensor first = weights.Find("main.0.weight")
            ?? throw new InvalidDataException(
                $"'{path}' has no key 'main.0.weight', so it is not a DCGAN generator in the layout of PyTorch's DCGAN " +
                $"example. Its keys start with: {string.Join(", ", weights.Keys.Take(5).Select(key => $"'{key}'"))}.");
        int lastIndex = weights.Keys
            .Select(key => ConvolutionWeightKey().Match(key))
            .Where(match => match.Success && weights.Find(match.Value)!.dim() == 4)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max();
        Tensor last = weights.Find($"main.{lastIndex}.weight")!;
        if (first.dim() != 4 || lastIndex % 3 != 0 || lastIndex == 0)
        {
            throw new InvalidDataException(
                $"'{path}' does not have the layout of a DCGAN generator: 'main.0.weight' has shape " +
                $"{FormatShape(first.shape)} and the last 4-D weight is 'main.{lastIndex}.weight', but the " +
                "transposed convolutions of a DCGAN generator sit at main.0, main.3, main.6 and so on, each with a " +
                "4-D weight.");
        }

        int layers = Math.Min(lastIndex / 3, 24);
        var config = new ModelConfig
        {
            ImageSize = 4 << layers,
            Channels = ToInt(last.shape[1]),
            LatentSize = ToInt(first.shape[0]),
            GeneratorFeatures = ToInt(last.shape[0]),
        };
        IReadOnlyList<string> problems = config.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"'{path}' contains a generator that this service cannot build (inferred {Describe(config)} from " +
                $"'main.0.weight' {FormatShape(first.shape)} and 'main.{lastIndex}.weight' {FormatShape(last.shape)}): " +
                string.Join(" ", problems));
        }

        return config;
    }

    private static void CheckExpected(ModelConfig found, ModelConfig expected, string path)
    {
        var differences = new List<string>();
        AddDifference(differences, "image size", expected.ImageSize, found.ImageSize);
        AddDifference(differences, "channels", expected.Channels, found.Channels);
        AddDifference(differences, "latent size", expected.LatentSize, found.LatentSize);
        AddDifference(differences, "generator features", expected.GeneratorFeatures, found.GeneratorFeatures);
        if (differences.Count > 0)
        {
            throw new InvalidDataException(
                $"'{path}' contains a generator of {Describe(found)}, but {string.Join(", ", differences)} was expected.");
        }
    }

    private static void AddDifference(List<string> differences, string label, int expected, int found)
    {
        if (expected != found)
        {
            differences.Add($"{label} {expected} (the file has {found})");
        }
    }

    private static void CopyWeights(StateDict weights, DcganGenerator generator)
    {
        Dictionary<string, Tensor> targets = generator.state_dict();
        var problems = new List<string>();
        foreach ((string key, Tensor target) in targets)
        {
            Tensor? source = weights.Find(key);
            if (source is null)
            {
                problems.Add($"the key '{key}' is missing (expected shape {FormatShape(target.shape)})");
            }
            else if (!source.shape.SequenceEqual(target.shape))
            {
                problems.Add(
                    $"the key '{key}' has shape {FormatShape(source.shape)}, expected {FormatShape(target.shape)}");
            }
            else if (source.dtype != target.dtype)
            {
                problems.Add($"the key '{key}' has dtype {source.dtype}, expected {target.dtype}");
            }
        }

        problems.AddRange(weights.Keys.Where(key => !targets.ContainsKey(key)).Select(key => $"the key '{key}' is unexpected"));
        if (problems.Count > 0)
        {
            string more = problems.Count > MaxListedProblems ? $"; and {problems.Count - MaxListedProblems} more" : "";
            throw new InvalidDataException(
                $"'{weights.Source}' does not match a DCGAN generator of {Describe(generator.Config)}: " +
                $"{string.Join("; ", problems.Take(MaxListedProblems))}{more}.");
        }

        using var noGrad = no_grad();
        foreach ((string key, Tensor target) in targets)
        {
            target.copy_(weights.Find(key)!);
        }
    }

    private static int ToInt(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);

    private static string Describe(ModelConfig config) =>
        $"{config.ImageSize}×{config.ImageSize}×{config.Channels} images, latent size {config.LatentSize} and " +
        $"{config.GeneratorFeatures} generator features";

    private static string FormatShape(long[] shape) => $"[{string.Join(", ", shape)}]";

    [GeneratedRegex(@"^main\.(\d{1,6})\.weight$")]
    private static partial Regex ConvolutionWeightKey();
}
