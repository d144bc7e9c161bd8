using Dcgan.Engine.Checkpoints.PyTorch;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Checkpoints;

/// <summary>
/// Loads a generator for sampling from any supported file, chosen by its extension: this service's checkpoints
/// (<see cref="CheckpointFile.Extension"/>) and PyTorch state dicts (<see cref="PyTorchGeneratorFile.Extensions"/>).
/// </summary>
public static class GeneratorFile
{
    /// <summary>Every extension a generator file may have.</summary>
    public static readonly IReadOnlyList<string> Extensions = [CheckpointFile.Extension, .. PyTorchGeneratorFile.Extensions];

    /// <summary>The extensions as a phrase for messages, such as "'.ckpt', '.pth', '.pt' or '.safetensors'".</summary>
    public static string ExtensionList =>
        string.Join(", ", Extensions.SkipLast(1).Select(extension => $"'{extension}'")) + $" or '{Extensions[^1]}'";

    /// <summary>Returns the supported extension that <paramref name="name"/> ends in, or null.</summary>
    public static string? FindExtension(string name) =>
        Extensions.FirstOrDefault(extension => name.EndsWith(extension, StringComparison.Ordinal));

    /// <summary>
    /// Loads the generator in <paramref name="path"/> on <paramref name="device"/>, in eval mode. A PyTorch state dict
    /// gets metadata with step 0, NaN losses, its inferred model shape and the file's modification time.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read as a generator.</exception>
    /// <exception cref="ArgumentException">The name has none of <see cref="Extensions"/>.</exception>
    public static DcganGenerator Load(string path, Device device, out CheckpointInfo info)
    {
        if (path.EndsWith(CheckpointFile.Extension, StringComparison.Ordinal))
        {
            return CheckpointFile.LoadGenerator(path, device, out info);
        }

        if (!PyTorchGeneratorFile.IsPyTorchFile(path))
        {
            throw new ArgumentException($"'{path}' is not a generator file: use a name ending in {ExtensionList}.", nameof(path));
        }

        DcganGenerator generator = PyTorchGeneratorFile.Load(path, device);
        info = new CheckpointInfo
        {
            Config = new TrainingConfig { Model = generator.Config },
            CreatedAt = File.GetLastWriteTimeUtc(path),
        };
        return generator;
    }

    /// <summary>
    /// Builds a generator for <paramref name="config"/>, fills its weights with <paramref name="loadWeights"/> and
    /// moves it to <paramref name="device"/> in eval mode. The generator is disposed when any step throws.
    /// </summary>
    internal static DcganGenerator Build(ModelConfig config, Device device, Action<DcganGenerator> loadWeights)
    {
        var generator = new DcganGenerator(config);
        try
        {
            loadWeights(generator);
            generator.to(device);
            generator.eval();
            return generator;
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }
}
