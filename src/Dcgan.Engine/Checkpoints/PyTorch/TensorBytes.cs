using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>
/// Element types that imported state dicts may use, and conversion of their little-endian bytes to tensors:
/// float32 for weights and BatchNorm statistics, int64 for BatchNorm's <c>num_batches_tracked</c>.
/// </summary>
internal static class TensorBytes
{
    /// <summary>The supported types in words, for messages.</summary>
    public const string SupportedTypes = "float32 (and int64 for num_batches_tracked)";

    /// <summary>Maps a torch storage class name such as "FloatStorage" to its element type.</summary>
    public static bool TryFromStorageClass(string storageClass, out ScalarType type) =>
        TryMap(storageClass, "FloatStorage", "LongStorage", out type);

    /// <summary>Maps a safetensors dtype such as "F32" to its element type.</summary>
    public static bool TryFromSafetensorsType(string dtype, out ScalarType type) =>
        TryMap(dtype, "F32", "I64", out type);

    /// <summary>Returns the bytes per element of a supported type.</summary>
    public static int ElementSize(ScalarType type) => type == ScalarType.Float32 ? sizeof(float) : sizeof(long);

    /// <summary>Copies little-endian <paramref name="bytes"/> into a new contiguous CPU tensor.</summary>
    public static Tensor ToTensor(ReadOnlySpan<byte> bytes, ScalarType type, long[] shape)
    {
        // NOTE: the formats store little-endian values and this reinterprets them in place, so a big-endian host
        // would read wrong numbers. .NET's supported Linux, Windows and macOS targets are all little-endian.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reading PyTorch tensors needs a little-endian machine.");
        }

        return type == ScalarType.Float32
            ? tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape)
            : tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape);
    }

    private static bool TryMap(string name, string floatName, string longName, out ScalarType type)
    {
        if (name == floatName)
        {
            type = ScalarType.Float32;
            return true;
        }

        if (name == longName)
        {
            type = ScalarType.Int64;
            return true;
        }

        type = default;
        return false;
    }
}
