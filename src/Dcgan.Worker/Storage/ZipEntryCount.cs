using System.Buffers.Binary;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Reader of the entry count that a zip file's end-of-central-directory record declares. ZipArchive reads every
/// central directory entry into memory before it can count them: 300,000 empty entries kept 113 MB live (measured
/// with .NET 10). Checking the declared count first bounds that work, because ZipArchive stops with an error as soon
/// as the central directory has more entries than the record declares.
/// </summary>
/// <remarks>
/// NOTE: long entry names cost memory too, and only <see cref="DatasetLimits.MaxTotalBytes"/>, through the size of
/// the zip, bounds the size of the central directory.
/// </remarks>
internal static class ZipEntryCount
{
    private const uint EndOfCentralDirectorySignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndOfCentralDirectorySignature = 0x06064b50;
    private const int EndOfCentralDirectoryLength = 22;
    private const int Zip64LocatorLength = 20;
    private const int Zip64RecordMinLength = 56;
    private const int MaxCommentLength = ushort.MaxValue;

    /// <summary>
    /// Returns the largest entry count that the end-of-central-directory record and, when present, the ZIP64 record
    /// declare, or null when no record is found, in which case ZipArchive rejects the file itself.
    /// </summary>
    /// <remarks>
    /// The record is the last end-of-central-directory signature in the final 64 KiB + 22 bytes of the file, where
    /// the zip format places it. ZipArchive.ReadEndOfCentralDirectory in dotnet/runtime searches the same bytes.
    /// </remarks>
    public static long? ReadDeclared(Stream zip)
    {
        long recordOffset = FindEndOfCentralDirectory(zip);
        if (recordOffset < 0)
        {
            return null;
        }

        Span<byte> record = stackalloc byte[EndOfCentralDirectoryLength];
        ReadAt(zip, recordOffset, record);

        // Two counts: entries on this disk and entries in all. A hostile file may set them differently.
        long count = Math.Max(
            BinaryPrimitives.ReadUInt16LittleEndian(record[8..]),
            BinaryPrimitives.ReadUInt16LittleEndian(record[10..]));
        long? zip64Count = ReadZip64Count(zip, recordOffset);
        return zip64Count is { } large ? Math.Max(count, large) : count;
    }

    private static long FindEndOfCentralDirectory(Stream zip)
    {
        long last = zip.Length - EndOfCentralDirectoryLength;
        if (last < 0)
        {
            return -1;
        }

        long first = Math.Max(0, last - MaxCommentLength);
        byte[] tail = new byte[last - first + 4];
        ReadAt(zip, first, tail);
        for (int index = tail.Length - 4; index >= 0; index--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(index)) == EndOfCentralDirectorySignature)
            {
                return first + index;
            }
        }

        return -1;
    }

    private static long? ReadZip64Count(Stream zip, long recordOffset)
    {
        long locatorOffset = recordOffset - Zip64LocatorLength;
        if (locatorOffset < 0)
        {
            return null;
        }

        Span<byte> locator = stackalloc byte[Zip64LocatorLength];
        ReadAt(zip, locatorOffset, locator);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
        {
            return null;
        }

        ulong zip64Offset = BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
        if (zip64Offset > (ulong)(zip.Length - Zip64RecordMinLength))
        {
            return null;
        }

        Span<byte> zip64Record = stackalloc byte[Zip64RecordMinLength];
        ReadAt(zip, (long)zip64Offset, zip64Record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(zip64Record) != Zip64EndOfCentralDirectorySignature)
        {
            return null;
        }

        ulong count = Math.Max(
            BinaryPrimitives.ReadUInt64LittleEndian(zip64Record[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(zip64Record[32..]));
        return (long)Math.Min(count, long.MaxValue);
    }

    private static void ReadAt(Stream zip, long offset, Span<byte> buffer)
    {
        zip.Position = offset;
        zip.ReadExactly(buffer);
    }
}
