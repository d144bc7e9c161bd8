using System.Buffers.Binary;
using System.IO.Compression;

namespace Dcgan.Engine.Data;

/// <summary>
/// Reader for MNIST-format IDX files of unsigned bytes: images (magic number 0x00000803, dimensions
/// count × rows × columns) and labels (magic number 0x00000801, one dimension). Files may be raw or
/// gzip-compressed, and gzip is detected by its 0x1f 0x8b signature, not by the file name.
/// </summary>
/// <remarks>
/// The header is validated before the payload buffer is allocated, so a damaged or hostile header cannot
/// request more than <see cref="MaxItemCount"/> items, <see cref="MaxSideLength"/> pixels per side or
/// <see cref="Array.MaxLength"/> bytes in total. A raw file must also be as long as its header declares. A gzip
/// file has no length to check, so it is decompressed into a buffer that grows with the data: a header that
/// overstates the data costs 1 MiB or about twice the real data, whichever is larger. Decompression stops at most
/// one byte past the declared length, so a gzip bomb behind a valid header is not expanded. Every format error
/// raises <see cref="InvalidDataException"/> with the file path, the value found and the value expected.
/// </remarks>
public static class IdxReader
{
    /// <summary>Maximum number of images or labels accepted in one file.</summary>
    public const int MaxItemCount = 1_000_000;

    /// <summary>Maximum image height and width in pixels.</summary>
    public const int MaxSideLength = 4096;

    private const uint ImageMagic = 0x00000803;
    private const uint LabelMagic = 0x00000801;
    private const byte UnsignedByteTypeCode = 0x08;
    private const int ReadChunkBytes = 1 << 20;

    /// <summary>Reads every image of an IDX image file as 1-channel <see cref="ImageData"/>.</summary>
    /// <param name="path">Raw or gzip-compressed IDX file with magic number 0x00000803.</param>
    /// <exception cref="InvalidDataException">The header is invalid or disagrees with the file length.</exception>
    public static ImageData ReadImages(string path) => ReadImages(path, MaxItemCount);

    /// <summary>Reads the first <paramref name="maxCount"/> images of an IDX image file.</summary>
    /// <param name="path">Raw or gzip-compressed IDX file with magic number 0x00000803.</param>
    /// <param name="maxCount">Maximum number of images to read. A file with fewer images returns all of them.</param>
    /// <remarks>
    /// A raw file is checked against its full length even when only some images are read. A gzip file is
    /// decompressed only as far as needed, so truncation or extra data after the images read goes unnoticed.
    /// </remarks>
    /// <exception cref="InvalidDataException">The header is invalid or disagrees with the file length.</exception>
    public static ImageData ReadImages(string path, int maxCount)
    {
        IdxContent content = Read(path, ImageMagic, maxCount);
        return new ImageData(content.Payload, content.ReadCount, 1, content.Rows, content.Columns);
    }

    /// <summary>Reads every label of an IDX label file.</summary>
    /// <param name="path">Raw or gzip-compressed IDX file with magic number 0x00000801.</param>
    /// <exception cref="InvalidDataException">The header is invalid or disagrees with the file length.</exception>
    public static byte[] ReadLabels(string path) => ReadLabels(path, MaxItemCount);

    /// <summary>Reads the first <paramref name="maxCount"/> labels of an IDX label file.</summary>
    /// <param name="path">Raw or gzip-compressed IDX file with magic number 0x00000801.</param>
    /// <param name="maxCount">Maximum number of labels to read. A file with fewer labels returns all of them.</param>
    /// <remarks>Partial reads of gzip files are checked as described for <see cref="ReadImages(string, int)"/>.</remarks>
    /// <exception cref="InvalidDataException">The header is invalid or disagrees with the file length.</exception>
    public static byte[] ReadLabels(string path, int maxCount) => Read(path, LabelMagic, maxCount).Payload;

    private static IdxContent Read(string path, uint expectedMagic, int maxCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);

        using FileStream file = new(
            path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        bool compressed = StartsWithGzipSignature(file);
        using GZipStream? gzip = compressed ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : null;
        Stream input = gzip is null ? file : gzip;

        IdxHeader header = ReadHeader(input, path, expectedMagic);
        if (!compressed)
        {
            CheckRawLength(path, header, file.Length);
        }

        int readCount = Math.Min(header.Count, maxCount);
        byte[] payload = ReadPayload(input, path, header, (int)((long)readCount * header.ItemLength), compressed);

        bool readWholeFile = readCount == header.Count;
        if (compressed && readWholeFile)
        {
            CheckNoTrailingData(input, path, header);
        }

        return new IdxContent(payload, readCount, header.Rows, header.Columns);
    }

    private static bool StartsWithGzipSignature(FileStream file)
    {
        Span<byte> signature = stackalloc byte[2];
        int read = file.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
    }

    private static IdxHeader ReadHeader(Stream input, string path, uint expectedMagic)
    {
        Span<byte> field = stackalloc byte[4];
        ReadHeaderField(input, path, field, "magic number");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(field);
        int dimensionCount = ValidateMagic(path, magic, expectedMagic);

        ReadHeaderField(input, path, field, "item count");
        int count = ValidateDimension(path, "item count", field, MaxItemCount);
        if (dimensionCount == 1)
        {
            return new IdxHeader(count, 1, 1, IsLabels: true);
        }

        ReadHeaderField(input, path, field, "row count");
        int rows = ValidateDimension(path, "row count", field, MaxSideLength);
        ReadHeaderField(input, path, field, "column count");
        int columns = ValidateDimension(path, "column count", field, MaxSideLength);

        long payloadLength = (long)count * rows * columns;
        if (payloadLength > Array.MaxLength)
        {
            throw Invalid(
                path,
                $"the header declares {count} images of {rows}×{columns} pixels, {payloadLength} bytes in total, " +
                $"expected at most {Array.MaxLength} bytes (the largest .NET byte array)");
        }

        return new IdxHeader(count, rows, columns, IsLabels: false);
    }

    private static void ReadHeaderField(Stream input, string path, Span<byte> field, string name)
    {
        int read = ReadBlock(input, path, field);
        if (read < field.Length)
        {
            throw Invalid(path, $"the file ends inside the header, while reading the {name}");
        }
    }

    private static int ValidateMagic(string path, uint magic, uint expectedMagic)
    {
        string expectedKind = expectedMagic == ImageMagic ? "an image file" : "a label file";
        string expected = $"0x{expectedMagic:X8} for {expectedKind}";
        if (magic >> 16 != 0)
        {
            throw Invalid(path, $"the magic number is 0x{magic:X8}, which is not an IDX magic number. Expected {expected}");
        }

        byte typeCode = (byte)(magic >> 8);
        if (typeCode != UnsignedByteTypeCode)
        {
            throw Invalid(
                path,
                $"the data type code is 0x{typeCode:X2} ({DescribeTypeCode(typeCode)}), expected 0x08 (unsigned byte). " +
                $"The magic number is 0x{magic:X8}, expected {expected}");
        }

        int dimensionCount = (byte)magic;
        int expectedDimensionCount = (byte)expectedMagic;
        if (dimensionCount != expectedDimensionCount)
        {
            throw Invalid(
                path,
                $"the number of dimensions is {dimensionCount}, expected {expectedDimensionCount}. " +
                $"The magic number is 0x{magic:X8}, expected {expected}");
        }

        return dimensionCount;
    }

    private static string DescribeTypeCode(byte typeCode) => typeCode switch
    {
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type",
    };

    private static int ValidateDimension(string path, string name, ReadOnlySpan<byte> field, int max)
    {
        uint value = BinaryPrimitives.ReadUInt32BigEndian(field);
        if (value == 0 || value > max)
        {
            throw Invalid(path, $"the header declares a {name} of {value}, expected 1 to {max}");
        }

        return (int)value;
    }

    private static void CheckRawLength(string path, IdxHeader header, long fileLength)
    {
        long expectedLength = header.TotalLength;
        if (fileLength < expectedLength)
        {
            throw Invalid(
                path,
                $"the file is {fileLength} bytes long, but its header declares {header.Describe()}, " +
                $"which need {expectedLength} bytes. The file is truncated or the header is wrong");
        }

        if (fileLength > expectedLength)
        {
            throw Invalid(
                path,
                $"the file is {fileLength} bytes long, but its header declares {header.Describe()}, " +
                $"which need {expectedLength} bytes. The header and the file length disagree");
        }
    }

    // Reads in bounded chunks so that a stream ending early is reported at once, with the byte offset. A raw file's
    // length was checked against the header, so its buffer is allocated whole. A gzip file's buffer starts at one
    // chunk and doubles only as decompressed data arrives. So a small gzip file whose header declares gigabytes
    // fails after allocating about twice the data it really contains.
    private static byte[] ReadPayload(Stream input, string path, IdxHeader header, int length, bool compressed)
    {
        byte[] payload = new byte[compressed ? Math.Min(length, ReadChunkBytes) : length];
        int offset = 0;
        while (offset < length)
        {
            if (offset == payload.Length)
            {
                Array.Resize(ref payload, (int)Math.Min(2L * payload.Length, length));
            }

            int chunkLength = Math.Min(ReadChunkBytes, payload.Length - offset);
            int read = ReadBlock(input, path, payload.AsSpan(offset, chunkLength));
            offset += read;
            if (read < chunkLength)
            {
                long expectedLength = header.TotalLength;
                throw Invalid(
                    path,
                    $"the data ends after {header.HeaderLength + offset} bytes, but the header declares " +
                    $"{header.Describe()}, which need {expectedLength} bytes. The file is truncated or the header is wrong");
            }
        }

        return payload;
    }

    private static void CheckNoTrailingData(Stream input, string path, IdxHeader header)
    {
        Span<byte> probe = stackalloc byte[1];
        if (ReadBlock(input, path, probe) > 0)
        {
            long expectedLength = header.TotalLength;
            throw Invalid(
                path,
                $"the decompressed data continues past the {expectedLength} bytes that the header declares " +
                $"({header.Describe()}). The header and the data length disagree");
        }
    }

    // GZipStream raises InvalidDataException for corrupt compressed data without naming the file.
    private static int ReadBlock(Stream input, string path, Span<byte> buffer)
    {
        try
        {
            return input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"Invalid IDX file '{path}': gzip decompression failed: {exception.Message}", exception);
        }
    }

    private static InvalidDataException Invalid(string path, string detail) =>
        new($"Invalid IDX file '{path}': {detail}.");

    private readonly record struct IdxHeader(int Count, int Rows, int Columns, bool IsLabels)
    {
        public int HeaderLength => IsLabels ? 8 : 16;

        public int ItemLength => Rows * Columns;

        public long PayloadLength => (long)Count * ItemLength;

        public long TotalLength => HeaderLength + PayloadLength;

        public string Describe() =>
            IsLabels ? $"{Count} labels" : $"{Count} images of {Rows}×{Columns} pixels";
    }

    private sealed record IdxContent(byte[] Payload, int ReadCount, int Rows, int Columns);
}
