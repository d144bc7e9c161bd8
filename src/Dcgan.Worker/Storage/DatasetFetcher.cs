using System.Diagnostics;
using Dcgan.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Downloader of a user data set (<see cref="DatasetKind.BlobPrefix"/> or <see cref="DatasetKind.ZipBlob"/>) from the
/// data-set source into a local folder of PNG and JPEG files, for <c>ImageFolderLoader</c>. Only names inside the
/// source are read, never a URL, and <see cref="DatasetLimits"/> bound what is written.
/// </summary>
internal sealed partial class DatasetFetcher(
    IDatasetSource source,
    IOptions<DatasetLimits> limits,
    ILogger<DatasetFetcher> logger)
{
    private const string NameField = "Dataset.Name";

    // A hostile prefix can contain thousands of names that cannot be stored, so only the first few are logged one by one.
    private const int LoggedSkippedNames = 3;

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// Downloads the images of <paramref name="dataset"/> into a new folder under the system temp folder, like
    /// <see cref="FetchAsync(DatasetReference, string, CancellationToken)"/>.
    /// </summary>
    public Task<string> FetchAsync(DatasetReference dataset, CancellationToken cancellationToken) =>
        FetchAsync(dataset, Path.GetTempPath(), cancellationToken);

    /// <summary>
    /// Downloads the images of <paramref name="dataset"/> into a new subfolder of <paramref name="parentFolder"/> and
    /// returns its path. The caller deletes the subfolder when done, and on failure it is deleted here.
    /// </summary>
    /// <exception cref="ArgumentException">The kind is not fetched from storage, or the name is invalid.</exception>
    /// <exception cref="FileNotFoundException">The prefix contains no image, or the zip blob does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// A limit is exceeded, or the zip is invalid or has an unsafe entry.
    /// </exception>
    public async Task<string> FetchAsync(DatasetReference dataset, string parentFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(parentFolder);
        if (dataset.Kind is not (DatasetKind.BlobPrefix or DatasetKind.ZipBlob))
        {
            throw new ArgumentException(
                $"Data set kind {dataset.Kind} is not stored in the data-set container; expected BlobPrefix or ZipBlob.",
                nameof(dataset));
        }

        ArtifactPaths.ValidateRelativeBlobName(dataset.Name, NameField);
        Stopwatch stopwatch = Stopwatch.StartNew();
        string folder = CreatePrivateFolder(parentFolder);
        bool fetched = false;
        try
        {
            (int imageCount, long totalBytes) = dataset.Kind == DatasetKind.BlobPrefix
                ? await FetchPrefixAsync(dataset.Name, folder, cancellationToken)
                : await FetchZipAsync(dataset.Name, folder, cancellationToken);
            LogFetched(
                logger,
                dataset.Kind,
                dataset.Name,
                source.Location,
                imageCount,
                totalBytes,
                stopwatch.ElapsedMilliseconds,
                folder);
            fetched = true;
            return folder;
        }
        finally
        {
            if (!fetched)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Creates a new folder that only the current user can read, because the parent may be shared.</summary>
    private static string CreatePrivateFolder(string parentFolder)
    {
        string folder = Path.Combine(Path.GetFullPath(parentFolder), $"dcgan-dataset-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    }

    /// <summary>
    /// Decides whether a name is an image the loader reads: extension .png, .jpg or .jpeg in any case, and not hidden
    /// (a file name starting with '.', such as the "._x.png" files that macOS adds to archives).
    /// </summary>
    internal static bool IsImageName(string name)
    {
        string fileName = name[(name.LastIndexOf('/') + 1)..];
        return !fileName.StartsWith('.')
            && ImageExtensions.Any(extension => fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<(int ImageCount, long TotalBytes)> FetchPrefixAsync(
        string prefix,
        string folder,
        CancellationToken cancellationToken)
    {
        DatasetLimits limit = limits.Value;
        DatasetListing listing = await source.ListAsync(prefix, IsImageName, limit.MaxFiles, cancellationToken);
        IReadOnlyList<DatasetFile> images = listing.Files;
        if (images.Count == 0)
        {
            throw new FileNotFoundException(
                $"No .png, .jpg or .jpeg files found under prefix '{prefix}' in {source.Location} " +
                $"({listing.OtherFileCount} other files found).");
        }

        CheckListedSizes(prefix, images, limit);

        // Files keep their names relative to the prefix's folder, so the loader reads them in listing order.
        int folderLength = prefix.LastIndexOf('/') + 1;
        RootedFolder target = new(folder);
        ExtractedFiles written = new(target.Root);
        int imageCount = 0;
        int skippedCount = 0;
        long totalBytes = 0;
        foreach (DatasetFile image in images)
        {
            if (!target.TryResolve(image.Name[folderLength..], out string? localPath, out string? problem)
                || !written.TryAdd(localPath, out problem))
            {
                skippedCount++;
                if (skippedCount <= LoggedSkippedNames)
                {
                    LogSkippedName(logger, image.Name, source.Location, problem);
                }

                continue;
            }

            long maxBytes = Math.Min(limit.MaxFileBytes, limit.MaxTotalBytes - totalBytes);
            if (!await source.TryDownloadToFileAsync(image.Name, localPath, maxBytes, cancellationToken))
            {
                LogVanished(logger, image.Name, source.Location);
                continue;
            }

            imageCount++;
            totalBytes += new FileInfo(localPath).Length;
        }

        if (skippedCount > LoggedSkippedNames)
        {
            LogMoreSkippedNames(logger, skippedCount, prefix, source.Location, LoggedSkippedNames);
        }

        return (imageCount, totalBytes);
    }

    private void CheckListedSizes(string prefix, IReadOnlyList<DatasetFile> images, DatasetLimits limit)
    {
        // The listing stops at MaxFiles + 1 images, so the real count may be higher.
        if (images.Count > limit.MaxFiles)
        {
            throw new InvalidDataException(
                $"Prefix '{prefix}' in {source.Location} has at least {images.Count} images, more than MaxFiles " +
                $"({limit.MaxFiles}).");
        }

        long listedBytes = 0;
        foreach (DatasetFile image in images)
        {
            if (image.Size > limit.MaxFileBytes)
            {
                throw new InvalidDataException(
                    $"'{image.Name}' in {source.Location} has {image.Size} bytes, more than MaxFileBytes " +
                    $"({limit.MaxFileBytes} bytes).");
            }

            listedBytes += image.Size;
        }

        if (listedBytes > limit.MaxTotalBytes)
        {
            throw new InvalidDataException(
                $"The images under prefix '{prefix}' in {source.Location} have {listedBytes} bytes in all, more than " +
                $"MaxTotalBytes ({limit.MaxTotalBytes} bytes).");
        }
    }

    private async Task<(int ImageCount, long TotalBytes)> FetchZipAsync(
        string name,
        string folder,
        CancellationToken cancellationToken)
    {
        DatasetLimits limit = limits.Value;
        if (name.EndsWith('/'))
        {
            throw new ArgumentException(
                $"{NameField} '{name}' ends with '/', which names a prefix; a ZipBlob data set names one zip blob " +
                "such as 'sketches.zip'.",
                nameof(name));
        }

        string zipDescription = $"Zip blob '{name}' in {source.Location}";

        // The listing gives the size, so an oversized zip is rejected before any byte is downloaded.
        DatasetListing candidates = await source.ListAsync(name, candidate => candidate == name, 1, cancellationToken);
        DatasetFile zip = candidates.Files.FirstOrDefault()
            ?? throw new FileNotFoundException($"{zipDescription} not found.");
        if (zip.Size > limit.MaxTotalBytes)
        {
            throw new InvalidDataException(
                $"{zipDescription} has {zip.Size} bytes, more than MaxTotalBytes ({limit.MaxTotalBytes} bytes).");
        }

        string zipPath = folder + ".zip";
        try
        {
            if (!await source.TryDownloadToFileAsync(name, zipPath, limit.MaxTotalBytes, cancellationToken))
            {
                throw new FileNotFoundException($"{zipDescription} not found.");
            }

            (int imageCount, long totalBytes) =
                await ZipDatasetExtractor.ExtractAsync(zipPath, zipDescription, folder, limit, cancellationToken);
            if (imageCount == 0)
            {
                throw new InvalidDataException($"{zipDescription} contains no .png, .jpg or .jpeg files.");
            }

            return (imageCount, totalBytes);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    [LoggerMessage(
        EventId = 3020,
        Level = LogLevel.Information,
        Message = "Fetched {DatasetKind} data set {DatasetName} from {Location}: {ImageCount} images, {TotalBytes} bytes " +
            "in {ElapsedMs} ms, into {Folder}")]
    private static partial void LogFetched(
        ILogger logger,
        DatasetKind datasetKind,
        string datasetName,
        string location,
        int imageCount,
        long totalBytes,
        long elapsedMs,
        string folder);

    [LoggerMessage(
        EventId = 3021,
        Level = LogLevel.Warning,
        Message = "Skipped {BlobName} in {Location} because its name cannot be stored locally: {Problem}")]
    private static partial void LogSkippedName(ILogger logger, string blobName, string location, string problem);

    [LoggerMessage(
        EventId = 3023,
        Level = LogLevel.Warning,
        Message = "Skipped {SkippedCount} images under prefix {Prefix} in {Location} because their names cannot be " +
            "stored locally, and logged only the first {LoggedCount} of them")]
    private static partial void LogMoreSkippedNames(
        ILogger logger,
        int skippedCount,
        string prefix,
        string location,
        int loggedCount);

    [LoggerMessage(
        EventId = 3022,
        Level = LogLevel.Warning,
        Message = "Skipped {BlobName} in {Location} because it was deleted after the listing")]
    private static partial void LogVanished(ILogger logger, string blobName, string location);
}
