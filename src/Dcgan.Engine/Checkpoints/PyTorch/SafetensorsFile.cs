using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>
/// Reads a state dict from a safetensors file. The format (README of github.com/huggingface/safetensors) is an
/// unsigned 64-bit little-endian header length, then a JSON header that maps each key to its dtype, shape and
/// [begin, end) byte offsets, then the row-major little-endian tensor bytes.
/// </summary>
internal static class SafetensorsFile
{
    // The reference implementation rejects headers above 100,000,000 bytes, so no valid file has a larger one.
    private const long MaxHeaderBytes = 100_000_000;
    private const string MetadataKey = "__metadata__";

    /// <summary>Reads every tensor in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file or has unsupported dtypes.</exception>
    public static StateDict Read(string path)
    {
        using FileStream file = ImportedFile.Open(path);
        long headerLength = ReadHeaderLength(file, path);
        var header = new byte[headerLength];
        file.ReadExactly(header);
        long dataStart = 8 + headerLength;
        long dataLength = file.Length - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"its header is not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "its header is not a JSON object");
            }

            var result = new StateDict { Source = path };
            try
            {
                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == MetadataKey)
                    {
                        continue;
                    }

                    (ScalarType type, long[] shape, long begin, long end) = ParseEntry(property, dataLength, path);
                    var bytes = new byte[end - begin];
                    file.Position = dataStart + begin;
                    file.ReadExactly(bytes);
                    result.Add(property.Name, TensorBytes.ToTensor(bytes, type, shape));
                }

                return result;
            }
            catch
            {
                result.Dispose();
                throw;
            }
        }
    }

    private static long ReadHeaderLength(FileStream file, string path)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (file.Length < prefix.Length)
        {
            throw Invalid(path, $"it has {file.Length} bytes, fewer than the 8-byte header length");
        }

        file.ReadExactly(prefix);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeaderBytes || (long)length > file.Length - 8)
        {
            throw Invalid(
                path,
                $"its header length is {length} bytes, but the file has {file.Length - 8} bytes after the length field " +
                "(is it truncated?)");
        }

        return (long)length;
    }

    private static (ScalarType Type, long[] Shape, long Begin, long End) ParseEntry(
        JsonProperty property,
        long dataLength,
        string path)
    {
        string key = property.Name;
        JsonElement entry = property.Value;
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out JsonElement dtypeElement)
            || dtypeElement.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out JsonElement shapeElement)
            || !entry.TryGetProperty("data_offsets", out JsonElement offsetsElement))
        {
            throw Invalid(path, $"its header entry '{key}' lacks dtype, shape or data_offsets");
        }

        string dtype = dtypeElement.GetString()!;
        if (!TensorBytes.TryFromSafetensorsType(dtype, out ScalarType type))
        {
            throw new InvalidDataException(
                $"Key '{key}' in '{path}' has dtype {dtype}; only {TensorBytes.SupportedTypes} tensors are " +
                "supported (F32 and I64). Convert with generator.float() before saving.");
        }

        long[] shape = ReadIndices(shapeElement, key, "shape", path);
        long[] offsets = ReadIndices(offsetsElement, key, "data_offsets", path);
        if (offsets.Length != 2 || offsets[0] > offsets[1] || offsets[1] > dataLength)
        {
            throw Invalid(
                path,
                $"the data_offsets of '{key}' are [{string.Join(", ", offsets)}], which do not lie within its " +
                $"{dataLength} data bytes (is it truncated?)");
        }

        long elements = 1;
        foreach (long size in shape)
        {
            elements = checked(elements * size);
        }

        long expectedBytes = checked(elements * TensorBytes.ElementSize(type));
        if (offsets[1] - offsets[0] != expectedBytes)
        {
            throw Invalid(
                path,
                $"'{key}' has shape [{string.Join(", ", shape)}] of {dtype}, which takes {expectedBytes} bytes, but " +
                $"its data_offsets span {offsets[1] - offsets[0]} bytes");
        }

        return (type, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIndices(JsonElement element, string key, string field, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, $"the {field} of '{key}' is not an array");
        }

        var values = new long[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
            {
                throw Invalid(path, $"the {field} of '{key}' contains {item.GetRawText()}, not a non-negative integer");
            }

            values[i++] = value;
        }

        return values;
    }

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"'{path}' is not a valid safetensors file: {problem}.");
}
