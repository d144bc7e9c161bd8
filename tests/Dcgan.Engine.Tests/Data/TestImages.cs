using SkiaSharp;

namespace Dcgan.Engine.Tests.Data;

/// <summary>Writers for small PNG and JPEG files painted pixel by pixel.</summary>
internal static class TestImages
{
    public static string Write(
        string path,
        int width,
        int height,
        Func<int, int, SKColor> colorAt,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        byte[] encoded = Encode(width, height, colorAt, format);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, encoded);
        return path;
    }

    public static byte[] Encode(
        int width,
        int height,
        Func<int, int, SKColor> colorAt,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using SKBitmap bitmap = new(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, colorAt(x, y));
            }
        }

        using SKData data = bitmap.Encode(format, quality: 95);
        return data.ToArray();
    }

    /// <summary>
    /// Inserts an EXIF APP1 segment with the given orientation (1 to 8) after the JPEG start-of-image marker.
    /// </summary>
    public static byte[] AddExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] segment =
        [
            0xFF, 0xE1, 0x00, 0x22, // APP1 marker and segment length 34, which counts the length field itself
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0x00, 0x00,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, first IFD at 8
            0x00, 0x01, // one IFD entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, // tag 0x0112 Orientation, type SHORT, count 1
            (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, // no next IFD
        ];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }
}
