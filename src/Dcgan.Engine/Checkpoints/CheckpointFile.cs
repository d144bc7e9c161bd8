using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Checkpoints;

/// <summary>
/// Reads and writes checkpoints: a zip archive with the metadata as JSON, both networks (weights and BatchNorm
/// buffers), both Adam states and the noise generator's state, so a run resumes exactly where it stopped.
/// </summary>
public static class CheckpointFile
{
    /// <summary>Layout version written by this build.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>File name extension of checkpoints.</summary>
    public const string Extension = ".ckpt";

    private const string InfoEntry = "checkpoint.json";
    private const string GeneratorEntry = "generator.dat";
    private const string DiscriminatorEntry = "discriminator.dat";
    private const string GeneratorOptimizerEntry = "generator-optimizer.dat";
    private const string DiscriminatorOptimizerEntry = "discriminator-optimizer.dat";
    private const string NoiseStateEntry = "noise-rng.dat";

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Writes <paramref name="session"/> to <paramref name="path"/> through a temporary file and a rename, so
    /// the path never contains a partly written checkpoint.
    /// </summary>
    public static void Save(TrainingSession session, string path, LossRecord? last, TimeProvider? clock = null)
    {
        var info = new CheckpointInfo
        {
            Step = session.Step,
            Epoch = last?.Epoch ?? 0,
            Config = session.Config,
            DiscriminatorLoss = last?.DiscriminatorLoss ?? float.NaN,
            GeneratorLoss = last?.GeneratorLoss ?? float.NaN,
            CreatedAt = (clock ?? TimeProvider.System).GetUtcNow(),
        };

        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var archive = new ZipArchive(file, ZipArchiveMode.Create))
            {
                WriteEntry(archive, InfoEntry, stream => JsonSerializer.Serialize(stream, info, JsonOptions));
                WriteEntry(archive, GeneratorEntry, stream => SaveModule(session.Generator, stream));
                WriteEntry(archive, DiscriminatorEntry, stream => SaveModule(session.Discriminator, stream));
                WriteEntry(archive, GeneratorOptimizerEntry, stream => SaveOptimizer(session.GeneratorOptimizer, stream));
                WriteEntry(
                    archive,
                    DiscriminatorOptimizerEntry,
                    stream => SaveOptimizer(session.DiscriminatorOptimizer, stream));
                WriteEntry(archive, NoiseStateEntry, stream => SaveTensorBytes(session.NoiseGeneratorState(), stream));
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads only the metadata of a checkpoint.</summary>
    public static CheckpointInfo ReadInfo(string path)
    {
        using ZipArchive archive = OpenArchive(path);
        return ReadInfo(archive, path);
    }

    /// <summary>Restores a training session from <paramref name="path"/> on <paramref name="device"/>.</summary>
    public static TrainingSession LoadSession(string path, Device device, TrainingConfig? overrides = null)
    {
        using ZipArchive archive = OpenArchive(path);
        CheckpointInfo info = ReadInfo(archive, path);
        TrainingConfig config = overrides ?? info.Config;
        if (config.Model != info.Config.Model)
        {
            throw new InvalidDataException(
                $"Checkpoint '{path}' contains a model {Describe(info.Config)} but the run requests {Describe(config)}.");
        }

        var session = new TrainingSession(config, device, initializeWeights: false);
        try
        {
            ReadEntry(archive, path, GeneratorEntry, stream => LoadModule(session.Generator, stream));
            ReadEntry(archive, path, DiscriminatorEntry, stream => LoadModule(session.Discriminator, stream));
            ReadEntry(archive, path, GeneratorOptimizerEntry, stream => LoadOptimizer(session.GeneratorOptimizer, stream));
            ReadEntry(
                archive,
                path,
                DiscriminatorOptimizerEntry,
                stream => LoadOptimizer(session.DiscriminatorOptimizer, stream));
            ReadEntry(archive, path, NoiseStateEntry, stream => RestoreNoise(session, stream));
            session.Step = info.Step;
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Loads the generator of a checkpoint on <paramref name="device"/>, in eval mode.</summary>
    public static DcganGenerator LoadGenerator(string path, Device device, out CheckpointInfo info)
    {
        using ZipArchive archive = OpenArchive(path);
        info = ReadInfo(archive, path);
        return GeneratorFile.Build(
            info.Config.Model,
            device,
            generator => ReadEntry(archive, path, GeneratorEntry, stream => LoadModule(generator, stream)));
    }

    private static string Describe(TrainingConfig config)
    {
        ModelConfig model = config.Model;
        return $"{model.ImageSize}×{model.ImageSize}×{model.Channels}, latent {model.LatentSize}, " +
            $"features {model.GeneratorFeatures}/{model.DiscriminatorFeatures}";
    }

    private static ZipArchive OpenArchive(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint '{path}' was not found.", path);
        }

        try
        {
            return new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is not a readable checkpoint archive: {e.Message}", e);
        }
    }

    private static CheckpointInfo ReadInfo(ZipArchive archive, string path)
    {
        CheckpointInfo? info = null;
        ReadEntry(archive, path, InfoEntry, stream => info = JsonSerializer.Deserialize<CheckpointInfo>(stream, JsonOptions));
        if (info is null)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has empty metadata.");
        }

        if (info.FormatVersion != CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"Checkpoint '{path}' has format version {info.FormatVersion}; this build reads version " +
                $"{CurrentFormatVersion}.");
        }

        IReadOnlyList<string> errors = info.Config.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has an invalid configuration: {string.Join(" ", errors)}");
        }

        return info;
    }

    private static void WriteEntry(ZipArchive archive, string name, Action<Stream> write)
    {
        ZipArchiveEntry entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
        using var buffer = new MemoryStream();
        write(buffer);
        buffer.Position = 0;
        using Stream stream = entry.Open();
        buffer.CopyTo(stream);
    }

    private static void ReadEntry(ZipArchive archive, string path, string name, Action<Stream> read)
    {
        ZipArchiveEntry entry = archive.GetEntry(name)
            ?? throw new InvalidDataException($"Checkpoint '{path}' lacks the entry '{name}'.");
        using var buffer = new MemoryStream();
        using (Stream stream = entry.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        read(buffer);
    }

    // Module.save(Stream) disposes the stream it is given, so modules go through writers that leave it open.
    private static void SaveModule(nn.Module module, Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        module.save(writer);
    }

    private static void LoadModule(nn.Module module, Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        module.load(reader);
    }

    private static void SaveOptimizer(AdamOptimizer optimizer, Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        optimizer.Save(writer);
    }

    private static void LoadOptimizer(AdamOptimizer optimizer, Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        optimizer.Load(reader);
    }

    private static void SaveTensorBytes(Tensor state, Stream stream)
    {
        using (state)
        {
            byte[] bytes = state.data<byte>().ToArray();
            stream.Write(bytes);
        }
    }

    private static void RestoreNoise(TrainingSession session, Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        using Tensor state = tensor(buffer.ToArray(), dtype: ScalarType.Byte);
        session.RestoreNoiseGenerator(state);
    }
}
