using System.Diagnostics.CodeAnalysis;
using SkiaSharp;

namespace Dcgan.Engine.Data;

/// <summary>
/// Decoder that turns one encoded image file into a centre-cropped square of fixed size, written as channel
/// planes of 8-bit values. One instance reuses its output bitmap across files and is not thread-safe.
/// </summary>
internal sealed class SquareImageConverter : IDisposable
{
    // Mipmaps average the source before sampling, which avoids aliasing when shrinking by large factors.
    private static readonly SKSamplingOptions DownscaleSampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);
    private static readonly SKSamplingOptions UpscaleSampling = new(SKCubicResampler.Mitchell);

    private readonly int imageSize;
    private readonly int channels;
    private readonly long maxFileBytes;
    private readonly long maxPixelCount;
    private readonly SKColorSpace colorSpace = SKColorSpace.CreateSrgb();
    private readonly SKBitmap target;

    public SquareImageConverter(int imageSize, int channels, long maxFileBytes, long maxPixelCount)
    {
        this.imageSize = imageSize;
        this.channels = channels;
        this.maxFileBytes = maxFileBytes;
        this.maxPixelCount = maxPixelCount;
        target = new SKBitmap(CreateInfo(imageSize, imageSize));
    }

    public int ImageLength => channels * imageSize * imageSize;

    /// <summary>
    /// Decodes <paramref name="path"/> into <paramref name="destination"/>, which must hold <see cref="ImageLength"/>
    /// bytes. Returns false with the reason when the file cannot be read, decoded or exceeds a size limit. The
    /// destination may then be partly written.
    /// </summary>
    public bool TryConvert(string path, Span<byte> destination, [NotNullWhen(false)] out string? failureReason)
    {
        if (!TryReadFile(path, out byte[]? encoded, out failureReason))
        {
            return false;
        }

        using MemoryStream encodedStream = new(encoded, writable: false);
        using SKCodec? codec = SKCodec.Create(encodedStream, out SKCodecResult createResult);
        if (codec is null)
        {
            failureReason = $"not a decodable image (SkiaSharp codec result: {createResult})";
            return false;
        }

        SKImageInfo header = codec.Info;
        long pixelCount = (long)header.Width * header.Height;
        if (pixelCount > maxPixelCount)
        {
            failureReason =
                $"image is {header.Width}×{header.Height} = {pixelCount} pixels, above the limit of {maxPixelCount} pixels";
            return false;
        }

        SKSizeI decodeSize = ChooseDecodeSize(codec);
        SKImageInfo decodeInfo = CreateInfo(decodeSize.Width, decodeSize.Height);
        using SKBitmap decoded = new(decodeInfo);
        SKCodecResult decodeResult = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (decodeResult != SKCodecResult.Success)
        {
            failureReason = decodeResult == SKCodecResult.IncompleteInput
                ? "the file is truncated (SkiaSharp codec result: IncompleteInput)"
                : $"decoding failed (SkiaSharp codec result: {decodeResult})";
            return false;
        }

        int side = Math.Min(decodeSize.Width, decodeSize.Height);
        SKRectI square = SKRectI.Create((decodeSize.Width - side) / 2, (decodeSize.Height - side) / 2, side, side);
        using SKBitmap cropped = new();
        SKSamplingOptions sampling = side > imageSize ? DownscaleSampling : UpscaleSampling;
        if (!decoded.ExtractSubset(cropped, square) || !cropped.ScalePixels(target, sampling))
        {
            failureReason = $"cropping or resizing {decodeSize.Width}×{decodeSize.Height} pixels to {imageSize}×{imageSize} failed";
            return false;
        }

        WritePlanes(codec.EncodedOrigin, destination);
        return true;
    }

    public void Dispose()
    {
        target.Dispose();
        colorSpace.Dispose();
    }

    // Premultiplied RGBA stores colour × alpha, so dropping alpha afterwards composites transparent areas over black.
    private SKImageInfo CreateInfo(int width, int height) =>
        new(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, colorSpace);

    private bool TryReadFile(
        string path,
        [NotNullWhen(true)] out byte[]? encoded,
        [NotNullWhen(false)] out string? failureReason)
    {
        encoded = null;
        try
        {
            using FileStream stream = File.OpenRead(path);
            if (stream.Length > maxFileBytes)
            {
                failureReason = $"file is {stream.Length} bytes, above the limit of {maxFileBytes} bytes";
                return false;
            }

            encoded = new byte[stream.Length];
            stream.ReadExactly(encoded);
            failureReason = null;
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            encoded = null;
            failureReason = $"file could not be read: {exception.Message}";
            return false;
        }
    }

    // JPEG decoders can produce 1/8 to 7/8 of the full size directly, which is much faster than decoding the full
    // image and shrinking it afterwards. This picks the smallest such size whose short side still covers imageSize.
    // Other formats report their full size for every scale.
    private SKSizeI ChooseDecodeSize(SKCodec codec)
    {
        for (int eighths = 1; eighths < 8; eighths++)
        {
            SKSizeI scaled = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Min(scaled.Width, scaled.Height) >= imageSize)
            {
                return scaled;
            }
        }

        return codec.Info.Size;
    }

    // The crop is centred and square, so applying the EXIF orientation after cropping and resizing gives the same
    // result as applying it first, at a fraction of the cost.
    private void WritePlanes(SKEncodedOrigin origin, Span<byte> destination)
    {
        ReadOnlySpan<byte> rgba = target.GetPixelSpan();
        int rowBytes = target.RowBytes;
        int planeLength = imageSize * imageSize;
        for (int y = 0; y < imageSize; y++)
        {
            for (int x = 0; x < imageSize; x++)
            {
                (int sourceX, int sourceY) = MapToStoredPixel(origin, x, y, imageSize - 1);
                int source = sourceY * rowBytes + sourceX * 4;
                byte red = rgba[source];
                byte green = rgba[source + 1];
                byte blue = rgba[source + 2];
                int index = y * imageSize + x;
                if (channels == 1)
                {
                    destination[index] = ToLuma(red, green, blue);
                }
                else
                {
                    destination[index] = red;
                    destination[planeLength + index] = green;
                    destination[2 * planeLength + index] = blue;
                }
            }
        }
    }

    // Maps a displayed pixel to the stored pixel it comes from, for the eight EXIF orientations.
    private static (int X, int Y) MapToStoredPixel(SKEncodedOrigin origin, int x, int y, int last) => origin switch
    {
        SKEncodedOrigin.TopRight => (last - x, y),
        SKEncodedOrigin.BottomRight => (last - x, last - y),
        SKEncodedOrigin.BottomLeft => (x, last - y),
        SKEncodedOrigin.LeftTop => (y, x),
        SKEncodedOrigin.RightTop => (y, last - x),
        SKEncodedOrigin.RightBottom => (last - y, last - x),
        SKEncodedOrigin.LeftBottom => (last - y, x),
        _ => (x, y),
    };

    // ITU-R BT.601 luma weights (0.299, 0.587, 0.114), applied to the gamma-encoded sRGB values.
    private static byte ToLuma(byte red, byte green, byte blue) =>
        (byte)((299 * red + 587 * green + 114 * blue + 500) / 1000);
}
