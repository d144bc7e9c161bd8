using System.Buffers.Binary;
using System.IO.Compression;

namespace Dcgan.Engine.Tests.Data;

/// <summary>Builders for small IDX files in the MNIST format.</summary>
internal static class IdxTestFiles
{
    public const uint ImageMagic = 0x00000803;
    public const uint LabelMagic = 0x00000801;

    /// <summary>Returns a header with the given magic number and big-endian dimensions.</summary>
    public static byte[] Header(uint magic, params uint[] dimensions)
    {
        byte[] header = new byte[4 * (1 + dimensions.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 * (i + 1)), dimensions[i]);
        }

        return header;
    }

    /// <summary>Returns pixel values that differ between neighbouring pixels and between images.</summary>
    public static byte[] Pixels(int count, int rows, int columns) =>
        Enumerable.Range(0, count * rows * columns).Select(i => (byte)(i * 7 % 256)).ToArray();

    public static byte[] ImageFile(int count, int rows, int columns, out byte[] pixels)
    {
        pixels = Pixels(count, rows, columns);
        return [.. Header(ImageMagic, (uint)count, (uint)rows, (uint)columns), .. pixels];
    }

    public static byte[] LabelFile(byte[] labels) => [.. Header(LabelMagic, (uint)labels.Length), .. labels];

    /// <summary>
    /// Writes <paramref name="content"/> followed by <paramref name="trailingZeroBytes"/> zero bytes as one gzip
    /// file, streaming the zeros so that a large bomb needs no large buffer.
    /// </summary>
    public static void WriteGzip(string path, byte[] content, long trailingZeroBytes)
    {
        byte[] zeros = new byte[1024 * 1024];
        using FileStream file = File.Create(path);
        using GZipStream gzip = new(file, CompressionLevel.SmallestSize);
        gzip.Write(content);
        for (long written = 0; written < trailingZeroBytes; written += zeros.Length)
        {
            gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, trailingZeroBytes - written));
        }
    }

    public static byte[] Gzip(byte[] content)
    {
        using MemoryStream compressed = new();
        using (GZipStream gzip = new(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return compressed.ToArray();
    }
}
