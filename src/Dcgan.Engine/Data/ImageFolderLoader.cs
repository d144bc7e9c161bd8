namespace Dcgan.Engine.Data;

/// <summary>
/// Loader for a folder of PNG and JPEG files as square training images of one size and channel count.
/// </summary>
public static class ImageFolderLoader
{
    /// <summary>Smallest accepted output side length in pixels.</summary>
    public const int MinImageSize = 8;

    /// <summary>Largest accepted output side length in pixels.</summary>
    public const int MaxImageSize = 1024;

    /// <summary>Default maximum size of one image file: 64 MiB.</summary>
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;

    /// <summary>Default maximum width × height of one image, read from its header before decoding: 40 megapixels.</summary>
    public const long DefaultMaxPixelCount = 40_000_000;

    private const int InitialBufferBytes = 16 * 1024 * 1024;

    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// Loads every <c>.png</c>, <c>.jpg</c> and <c>.jpeg</c> file below <paramref name="directory"/>, centre-crops
    /// each to a square and resizes it to <paramref name="imageSize"/> × <paramref name="imageSize"/>.
    /// </summary>
    /// <param name="directory">Folder searched recursively. Extensions match case-insensitively, and hidden files are skipped.</param>
    /// <param name="imageSize">Output side length in pixels, <see cref="MinImageSize"/> to <see cref="MaxImageSize"/>.</param>
    /// <param name="channels">1 for grayscale (ITU-R BT.601 luma) or 3 for RGB.</param>
    /// <param name="maxCount">Maximum number of images to load, counting only readable files, or null for all.</param>
    /// <param name="maxFileBytes">Files larger than this are reported as unreadable without being read.</param>
    /// <param name="maxPixelCount">
    /// Images whose header declares more pixels than this are reported as unreadable without being decoded, which
    /// guards against decompression bombs.
    /// </param>
    /// <remarks>
    /// Files are processed in ordinal path order, so the result is the same on every run. Colours are converted to
    /// sRGB, transparent areas become black and the EXIF orientation is applied. A file that is not a PNG or JPEG,
    /// is truncated or corrupt, or exceeds <paramref name="maxFileBytes"/> or <paramref name="maxPixelCount"/> is
    /// skipped and listed in <see cref="ImageFolderResult.UnreadableImages"/> with the reason, which names the value
    /// and the limit. Skipped files do not stop the load, and only a folder without any readable image fails it.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its allowed range.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder contains no readable image.</exception>
    /// <exception cref="ArgumentException">
    /// The images to load would not fit in one .NET array, so a lower <paramref name="maxCount"/> or
    /// <paramref name="imageSize"/> is needed.
    /// </exception>
    public static ImageFolderResult Load(
        string directory,
        int imageSize,
        int channels,
        int? maxCount = null,
        long maxFileBytes = DefaultMaxFileBytes,
        long maxPixelCount = DefaultMaxPixelCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ValidateArguments(imageSize, channels, maxCount, maxFileBytes, maxPixelCount);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Image folder '{directory}' not found.");
        }

        List<string> files = FindImageFiles(directory);
        if (files.Count == 0)
        {
            throw new InvalidDataException(
                $"Image folder '{directory}' contains no .png, .jpg or .jpeg files (searched recursively).");
        }

        using SquareImageConverter converter = new(imageSize, channels, maxFileBytes, maxPixelCount);
        int imageLength = converter.ImageLength;
        int capacity = Math.Min(files.Count, maxCount ?? int.MaxValue);
        CheckFitsInArray(directory, capacity, imageSize, channels, imageLength);

        // The file count is not trusted: a folder of empty files must not cost the buffer that as many images would.
        // So the buffer starts at about InitialBufferBytes and doubles as images decode, up to capacity. A folder of
        // readable images briefly needs 1.5 times the final buffer while the last doubling copies it.
        byte[] pixels = new byte[Math.Min(capacity, Math.Max(1, InitialBufferBytes / imageLength)) * imageLength];
        List<string> imagePaths = [];
        List<UnreadableImage> unreadableImages = [];
        foreach (string file in files)
        {
            if (imagePaths.Count == capacity)
            {
                break;
            }

            if ((imagePaths.Count + 1) * imageLength > pixels.Length)
            {
                Array.Resize(ref pixels, (int)Math.Min(2L * pixels.Length, (long)capacity * imageLength));
            }

            Span<byte> slot = pixels.AsSpan(imagePaths.Count * imageLength, imageLength);
            if (converter.TryConvert(file, slot, out string? failureReason))
            {
                imagePaths.Add(file);
            }
            else
            {
                unreadableImages.Add(new UnreadableImage(file, failureReason));
            }
        }

        if (imagePaths.Count == 0)
        {
            // The path relative to the folder is the name the user gave the file, such as its zip entry name.
            UnreadableImage first = unreadableImages[0];
            string firstName = Path.GetRelativePath(directory, first.Path).Replace(Path.DirectorySeparatorChar, '/');
            throw new InvalidDataException(
                $"Image folder '{directory}' contains no readable images: all {unreadableImages.Count} image files " +
                $"were skipped. First skipped: '{firstName}': {first.Reason}.");
        }

        if (imagePaths.Count * imageLength < pixels.Length)
        {
            Array.Resize(ref pixels, imagePaths.Count * imageLength);
        }

        ImageData images = new(pixels, imagePaths.Count, channels, imageSize, imageSize);
        return new ImageFolderResult(images, imagePaths, unreadableImages);
    }

    private static void ValidateArguments(
        int imageSize,
        int channels,
        int? maxCount,
        long maxFileBytes,
        long maxPixelCount)
    {
        if (imageSize is < MinImageSize or > MaxImageSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(imageSize),
                imageSize,
                $"Image size {imageSize} is outside the allowed range {MinImageSize} to {MaxImageSize} pixels.");
        }

        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(
                nameof(channels),
                channels,
                $"Channel count {channels} is not allowed. Use 1 (grayscale) or 3 (RGB).");
        }

        if (maxCount is < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxCount),
                maxCount,
                $"Maximum image count {maxCount} is outside the allowed range: it must be at least 1, or null for all.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxFileBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixelCount, 1);
    }

    private static List<string> FindImageFiles(string directory)
    {
        EnumerationOptions options = new()
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };

        List<string> files = Directory.EnumerateFiles(directory, "*", options)
            .Where(HasImageExtension)
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static bool HasImageExtension(string path)
    {
        string extension = Path.GetExtension(path);
        return Extensions.Any(known => extension.Equals(known, StringComparison.OrdinalIgnoreCase));
    }

    private static void CheckFitsInArray(string directory, int capacity, int imageSize, int channels, int imageLength)
    {
        long maxImages = Array.MaxLength / imageLength;
        if (capacity > maxImages)
        {
            throw new ArgumentException(
                $"Image folder '{directory}' has {capacity} images to load, but at {imageSize}×{imageSize}×{channels} " +
                $"bytes each at most {maxImages} fit in one .NET array. Pass a maximum count of {maxImages} or less, " +
                "or a smaller image size.",
                "maxCount");
        }
    }
}
