using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dcgan.Engine.Evaluation;

/// <summary>
/// Reads and writes <see cref="FeatureClassifier"/> weights. The file is a header line identifying the format, the
/// metadata as one line of JSON (<see cref="ClassifierInfo"/>, with the SHA-256 of the weights), then the weights
/// in TorchSharp's state-dict format.
/// </summary>
public static class ClassifierFile
{
    /// <summary>First line of every classifier file; the trailing number is the layout version.</summary>
    public const string FormatHeader = "dcgan-feature-classifier 1";

    /// <summary>Default file name of the classifier trained on Fashion-MNIST.</summary>
    public const string DefaultFileName = "fashion-classifier.bin";

    /// <summary>
    /// Default location of the classifier: <see cref="DefaultFileName"/> in the models folder next to the program,
    /// where the builds of the dcgan command and the worker copy the committed weights.
    /// </summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "models", DefaultFileName);

    private const int MaxMetadataBytes = 64 * 1024;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>
    /// Writes <paramref name="classifier"/> and <paramref name="info"/> to <paramref name="path"/> through a temporary
    /// file and a rename, and returns <paramref name="info"/> with <see cref="ClassifierInfo.WeightsSha256"/> set.
    /// </summary>
    public static ClassifierInfo Save(FeatureClassifier classifier, ClassifierInfo info, string path)
    {
        byte[] weights = SerializeWeights(classifier);
        ClassifierInfo stored = info with { WeightsSha256 = Convert.ToHexStringLower(SHA256.HashData(weights)) };
        byte[] metadata = JsonSerializer.SerializeToUtf8Bytes(stored, JsonOptions);

        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(Encoding.ASCII.GetBytes(FormatHeader + "\n"));
                file.Write(metadata);
                file.WriteByte((byte)'\n');
                file.Write(weights);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return stored;
    }

    /// <summary>Reads a classifier written by <see cref="Save"/> and returns it in eval mode with its metadata.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a classifier file, its metadata is unreadable, or its weights do not match the stored SHA-256.
    /// </exception>
    public static (FeatureClassifier Classifier, ClassifierInfo Info) Load(string path)
    {
        byte[] content = File.ReadAllBytes(path);
        int headerEnd = Array.IndexOf(content, (byte)'\n');
        string header = headerEnd < 0 ? "" : Encoding.ASCII.GetString(content, 0, headerEnd);
        if (header != FormatHeader)
        {
            throw new InvalidDataException(
                $"'{path}' is not a classifier file: its first line is not '{FormatHeader}'. Train one with " +
                "'dcgan train-classifier'.");
        }

        int metadataEnd = Array.IndexOf(content, (byte)'\n', headerEnd + 1, Math.Min(MaxMetadataBytes, content.Length - headerEnd - 1));
        if (metadataEnd < 0)
        {
            throw new InvalidDataException($"Classifier file '{path}' is truncated: its metadata line has no end.");
        }

        ClassifierInfo info = ReadInfo(path, content.AsSpan(headerEnd + 1, metadataEnd - headerEnd - 1));
        ReadOnlySpan<byte> weights = content.AsSpan(metadataEnd + 1);
        string actualHash = Convert.ToHexStringLower(SHA256.HashData(weights));
        if (!string.Equals(actualHash, info.WeightsSha256, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"Classifier file '{path}' is damaged: the SHA-256 of its weights is {actualHash}, but its metadata " +
                $"records {info.WeightsSha256}.");
        }

        var classifier = new FeatureClassifier(seed: 0);
        try
        {
            using var stream = new MemoryStream(weights.ToArray(), writable: false);
            using var reader = new BinaryReader(stream);
            classifier.load(reader);
            classifier.eval();
            return (classifier, info);
        }
        catch (Exception exception) when (exception is ArgumentException or EndOfStreamException)
        {
            classifier.Dispose();
            throw new InvalidDataException(
                $"Classifier file '{path}' has weights that do not fit this build's network: {exception.Message}",
                exception);
        }
    }

    private static ClassifierInfo ReadInfo(string path, ReadOnlySpan<byte> metadata)
    {
        try
        {
            return JsonSerializer.Deserialize<ClassifierInfo>(metadata, JsonOptions)
                ?? throw new InvalidDataException($"Classifier file '{path}' has empty metadata.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"Classifier file '{path}' has invalid metadata: {exception.Message}", exception);
        }
    }

    // Module.save(Stream) disposes the stream it is given, so the weights go through a writer instead.
    private static byte[] SerializeWeights(FeatureClassifier classifier)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            classifier.save(writer);
        }

        return stream.ToArray();
    }
}
