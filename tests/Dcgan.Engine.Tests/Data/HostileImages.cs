using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Dcgan.Engine.Tests.Data;

/// <summary>
/// Small image files whose headers declare far more pixels than they contain, as a decompression bomb does. The
/// worker tests compile this file too, through a link in their project file.
/// </summary>
internal static class HostileImages
{
    private const int PngSignatureLength = 8;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// Returns a 1×1 PNG whose IHDR chunk declares <paramref name="width"/> × <paramref name="height"/> pixels,
    /// with the chunk's CRC recomputed so that decoders accept the header.
    /// </summary>
    public static byte[] PngDeclaringSize(int width, int height)
    {
        byte[] png = Encode(SKEncodedImageFormat.Png);

        // The IHDR chunk follows the signature: 4-byte length, "IHDR", width, height, 5 more bytes, then the CRC.
        Span<byte> chunk = png.AsSpan(PngSignatureLength);
        Encoding.ASCII.GetString(chunk.Slice(4, 4)).ShouldBe("IHDR");
        BinaryPrimitives.WriteInt32BigEndian(chunk.Slice(8), width);
        BinaryPrimitives.WriteInt32BigEndian(chunk.Slice(12), height);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.Slice(8 + 13), Crc32(chunk.Slice(4, 4 + 13)));
        return png;
    }

    /// <summary>
    /// Returns a 16×16 baseline JPEG whose start-of-frame segment declares <paramref name="width"/> ×
    /// <paramref name="height"/> pixels. JPEG has no checksum, so the patched header is accepted as it is.
    /// </summary>
    public static byte[] JpegDeclaringSize(ushort width, ushort height)
    {
        byte[] jpeg = Encode(SKEncodedImageFormat.Jpeg);
        for (int offset = 2; offset + 9 < jpeg.Length; offset++)
        {
            // SOF0: marker FF C0, 2-byte length, 1-byte precision, then height and width.
            if (jpeg[offset] == 0xFF && jpeg[offset + 1] == 0xC0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(offset + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(offset + 7), width);
                return jpeg;
            }
        }

        throw new InvalidOperationException("SkiaSharp wrote a JPEG without a baseline start-of-frame segment.");
    }

    private static byte[] Encode(SKEncodedImageFormat format)
    {
        int side = format == SKEncodedImageFormat.Png ? 1 : 16;
        using SKBitmap bitmap = new(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bitmap.Erase(new SKColor(90, 120, 150));
        using SKData data = bitmap.Encode(format, quality: 90);
        return data.ToArray();
    }

    // CRC-32 as PNG defines it: polynomial 0xEDB88320 (reflected), initial value and final XOR 0xFFFFFFFF.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte value in data)
        {
            crc = CrcTable[(crc ^ value) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < table.Length; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
