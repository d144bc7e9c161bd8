using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace Dcgan.Worker.Tests.Storage;

/// <summary>Small PNG files and zip archives for data-set tests.</summary>
internal static class DatasetFiles
{
    /// <summary>Encodes a 16×16 PNG filled with one gray level.</summary>
    public static byte[] Png(byte gray)
    {
        using SKBitmap bitmap = new(16, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bitmap.Erase(new SKColor(gray, gray, gray));
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, quality: 100);
        return data.ToArray();
    }

    /// <summary>Builds a zip archive; a name ending in '/' becomes a folder entry.</summary>
    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using MemoryStream buffer = new();
        using (ZipArchive archive = new(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in entries)
            {
                ZipArchiveEntry entry = archive.CreateEntry(name, CompressionLevel.SmallestSize);
                if (!name.EndsWith('/'))
                {
                    using Stream stream = entry.Open();
                    stream.Write(content);
                }
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Rewrites the uncompressed size that the local header and the central directory of every entry declare, as a
    /// crafted zip bomb would.
    /// </summary>
    public static byte[] WithDeclaredUncompressedSize(byte[] zip, uint declaredSize)
    {
        byte[] patched = (byte[])zip.Clone();
        for (int offset = 0; offset + 4 <= patched.Length; offset++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(offset));
            int sizeOffset = signature switch
            {
                0x04034b50 => offset + 22,
                0x02014b50 => offset + 24,
                _ => -1,
            };
            if (sizeOffset >= 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(sizeOffset), declaredSize);
            }
        }

        return patched;
    }

    /// <summary>
    /// Sets a 16-bit field of every entry's local header and central directory header, such as the compression
    /// method (offsets 8 and 10).
    /// </summary>
    public static byte[] WithEntryHeaderField(byte[] zip, int localOffset, int centralOffset, ushort value)
    {
        byte[] patched = (byte[])zip.Clone();
        for (int offset = 0; offset + 4 <= patched.Length; offset++)
        {
            int fieldOffset = BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(offset)) switch
            {
                0x04034b50 => offset + localOffset,
                0x02014b50 => offset + centralOffset,
                _ => -1,
            };
            if (fieldOffset >= 0)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(fieldOffset), value);
            }
        }

        return patched;
    }

    /// <summary>Rewrites both entry counts of the end-of-central-directory record, as a crafted zip would.</summary>
    public static byte[] WithDeclaredEntryCount(byte[] zip, ushort declaredCount)
    {
        byte[] patched = (byte[])zip.Clone();
        int record = patched.Length - 22;
        BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(record)).ShouldBe(0x06054b50u);
        BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(record + 8), declaredCount);
        BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(record + 10), declaredCount);
        return patched;
    }

    /// <summary>Lists the files below <paramref name="folder"/> as '/'-separated relative names in ordinal order.</summary>
    public static List<string> List(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
}
