using System.Buffers;
using System.IO.Compression;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Extractor of the PNG and JPEG entries of an untrusted zip file. It rejects entries that would be written outside
/// the target folder (zip slip) and enforces <see cref="DatasetLimits"/> on the bytes actually decompressed.
/// </summary>
internal static class ZipDatasetExtractor
{
    /// <summary>
    /// Entries that expand to at most this many bytes are not checked for their compression ratio, because they
    /// cannot fill a disk and tiny files often compress well.
    /// </summary>
    private const long RatioCheckMinBytes = 1024 * 1024;

    private const int BufferSize = 81920;

    /// <summary>
    /// Extracts every image entry of <paramref name="zipPath"/> into <paramref name="targetFolder"/>, keeping the
    /// entry paths, and returns the number of images and their total size in bytes. Folders, hidden files and
    /// entries that are not .png, .jpg or .jpeg are skipped.
    /// </summary>
    /// <param name="zipPath">Local copy of the zip file.</param>
    /// <param name="zipDescription">Origin of the zip for error messages, such as "Zip blob 'a.zip' in container 'x'".</param>
    /// <param name="targetFolder">Existing, empty folder to extract into.</param>
    /// <param name="limits">Limits on entries, sizes and compression ratio.</param>
    /// <param name="cancellationToken">Stops the extraction.</param>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid zip, an entry path is unsafe, repeated or used as both a file and a folder, or a
    /// limit is exceeded.
    /// </exception>
    public static async Task<(int ImageCount, long TotalBytes)> ExtractAsync(
        string zipPath,
        string zipDescription,
        string targetFolder,
        DatasetLimits limits,
        CancellationToken cancellationToken)
    {
        using ZipArchive archive = OpenArchive(zipPath, zipDescription, limits.MaxZipEntries);
        if (archive.Entries.Count > limits.MaxZipEntries)
        {
            throw TooManyEntries(zipDescription, archive.Entries.Count, limits.MaxZipEntries);
        }

        RootedFolder target = new(targetFolder);
        ExtractedFiles written = new(target.Root);
        int imageCount = 0;
        long totalBytes = 0;
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Some Windows tools write '\' as the separator. Replacing it first also turns "..\x" into "../x".
            string entryName = entry.FullName.Replace('\\', '/');
            if (entryName.EndsWith('/'))
            {
                continue;
            }

            // An entry that points outside the folder rejects the whole archive, image or not, because such an
            // archive is hostile. Other entries with names that cannot be stored are rejected only if they are images.
            bool isImage = DatasetFetcher.IsImageName(entryName);
            if (!target.TryResolve(entryName, out string? localPath, out string? problem))
            {
                if (!isImage && !PointsOutside(entryName))
                {
                    continue;
                }

                throw new InvalidDataException(
                    $"Entry {ArtifactPaths.Quote(entryName)} in {zipDescription} is unsafe because {problem}. " +
                    "Entries must be relative paths that stay inside the extraction folder.");
            }

            if (!isImage)
            {
                continue;
            }

            CheckDeclaredSizes(entry, entryName, zipDescription, limits);
            imageCount++;
            if (imageCount > limits.MaxFiles)
            {
                throw new InvalidDataException(
                    $"{zipDescription} contains more than MaxFiles ({limits.MaxFiles}) images.");
            }

            if (!written.TryAdd(localPath, out string? conflict))
            {
                throw new InvalidDataException(
                    $"{zipDescription} contains the entry {ArtifactPaths.Quote(entryName)} more than once, or as both " +
                    $"a file and a folder: {conflict}.");
            }

            totalBytes += await ExtractEntryAsync(
                entry,
                entryName,
                localPath,
                zipDescription,
                limits,
                totalBytes,
                cancellationToken);
        }

        return (imageCount, totalBytes);
    }

    /// <summary>Returns true for an absolute path, a drive-letter path or a path with a '..' segment.</summary>
    private static bool PointsOutside(string entryName) =>
        entryName.StartsWith('/')
        || (entryName.Length >= 2 && entryName[1] == ':')
        || entryName.Split('/').Contains("..");

    /// <summary>
    /// Opens the zip after checking the entry count that it declares, because ZipArchive reads every central
    /// directory entry into memory before <see cref="ZipArchive.Entries"/> can be counted.
    /// </summary>
    private static ZipArchive OpenArchive(string zipPath, string zipDescription, int maxEntries)
    {
        FileStream file = File.OpenRead(zipPath);
        try
        {
            if (ZipEntryCount.ReadDeclared(file) is { } declared && declared > maxEntries)
            {
                throw TooManyEntries(zipDescription, declared, maxEntries);
            }

            // ZipArchive reads the central directory on the first use of Entries, so that is where it fails.
            file.Position = 0;
            try
            {
                ZipArchive archive = new(file, ZipArchiveMode.Read, leaveOpen: false);
                _ = archive.Entries.Count;
                return archive;
            }
            catch (InvalidDataException exception)
            {
                throw new InvalidDataException($"{zipDescription} is not a valid zip file: {exception.Message}", exception);
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static InvalidDataException TooManyEntries(string zipDescription, long entryCount, int maxEntries) =>
        new($"{zipDescription} has {entryCount} entries, more than MaxZipEntries ({maxEntries}).");

    /// <summary>
    /// Rejects an entry early from its header. <see cref="ExtractEntryAsync"/> checks the decompressed bytes again.
    /// </summary>
    private static void CheckDeclaredSizes(
        ZipArchiveEntry entry,
        string entryName,
        string zipDescription,
        DatasetLimits limits)
    {
        if (entry.Length > limits.MaxFileBytes)
        {
            throw new InvalidDataException(
                $"Entry '{entryName}' in {zipDescription} declares {entry.Length} bytes, more than MaxFileBytes " +
                $"({limits.MaxFileBytes} bytes).");
        }

        if (entry.Length > RatioCheckMinBytes && entry.Length > entry.CompressedLength * limits.MaxCompressionRatio)
        {
            throw new InvalidDataException(
                $"Entry '{entryName}' in {zipDescription} declares {entry.Length} bytes compressed to " +
                $"{entry.CompressedLength}, a ratio above MaxCompressionRatio ({limits.MaxCompressionRatio}).");
        }
    }

    // ZipArchive reports an unsupported compression method or corrupt compressed data without naming the zip or the
    // entry, so these two helpers add both.
    private static Stream OpenEntry(string entryName, string zipDescription, Func<Stream> open)
    {
        try
        {
            return open();
        }
        catch (InvalidDataException exception)
        {
            throw EntryUnreadable(entryName, zipDescription, exception);
        }
    }

    private static async ValueTask<int> ReadEntryAsync(
        Stream input,
        byte[] buffer,
        string entryName,
        string zipDescription,
        CancellationToken cancellationToken)
    {
        try
        {
            return await input.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            throw EntryUnreadable(entryName, zipDescription, exception);
        }
    }

    private static InvalidDataException EntryUnreadable(string entryName, string zipDescription, Exception exception) =>
        new($"Entry {ArtifactPaths.Quote(entryName)} in {zipDescription} cannot be read: {exception.Message}", exception);

    /// <summary>Decompresses one entry to <paramref name="localPath"/> and returns its size in bytes.</summary>
    private static async Task<long> ExtractEntryAsync(
        ZipArchiveEntry entry,
        string entryName,
        string localPath,
        string zipDescription,
        DatasetLimits limits,
        long bytesBefore,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using Stream input = OpenEntry(entryName, zipDescription, entry.Open);
            await using FileStream output = new(
                localPath,
                FileMode.CreateNew,
                FileAccess.Write,
                FileShare.None,
                bufferSize: BufferSize,
                useAsync: true);

            // The limits apply again to the bytes the decompressor produces, in case a header understates them.
            // System.IO.Compression in .NET 10 already stops reading an entry at its declared size, so the
            // per-entry checks are defence in depth. The running total is checked only here.
            long written = 0;
            double maxExpandedBytes = entry.CompressedLength * limits.MaxCompressionRatio;
            int read;
            while ((read = await ReadEntryAsync(input, buffer, entryName, zipDescription, cancellationToken)) > 0)
            {
                written += read;
                if (written > limits.MaxFileBytes)
                {
                    throw new InvalidDataException(
                        $"Entry '{entryName}' in {zipDescription} expands to more than MaxFileBytes " +
                        $"({limits.MaxFileBytes} bytes).");
                }

                if (bytesBefore + written > limits.MaxTotalBytes)
                {
                    throw new InvalidDataException(
                        $"The images in {zipDescription} expand to more than MaxTotalBytes " +
                        $"({limits.MaxTotalBytes} bytes).");
                }

                if (written > RatioCheckMinBytes && written > maxExpandedBytes)
                {
                    throw new InvalidDataException(
                        $"Entry '{entryName}' in {zipDescription} expands to more than MaxCompressionRatio " +
                        $"({limits.MaxCompressionRatio}) times its compressed size of {entry.CompressedLength} bytes.");
                }

                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
