using Dcgan.Engine.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Training;

/// <summary>
/// Training images as one 8-bit tensor N×C×H×W at the model's size and channel count, on the training device.
/// Batches are converted to floats in [-1, 1] only when drawn, so a 60,000-image set costs bytes, not floats.
/// </summary>
public sealed class TrainingData : IDisposable
{
    private const int ConversionChunk = 2048;

    // Scalars passed to libtorch live in static fields, because a garbage collection during the native call
    // could free a temporary Scalar while libtorch reads it.
    private static readonly Scalar ByteToUnitScale = (2.0 / 255.0).ToScalar();
    private static readonly Scalar UnitOffset = 1.0.ToScalar();
    private static readonly Scalar ByteMin = 0.ToScalar();
    private static readonly Scalar ByteMax = 255.ToScalar();

    private readonly Tensor images;

    private TrainingData(Tensor images)
    {
        this.images = images;
        Count = (int)images.shape[0];
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>
    /// Converts <paramref name="source"/> to <paramref name="imageSize"/> and <paramref name="channels"/>:
    /// images up to a quarter smaller than the target are centred on a black border (28×28 MNIST becomes 32×32
    /// as in most DCGAN work on it); other sizes are resized bilinearly. Grayscale is repeated to RGB and RGB is
    /// reduced to luma (ITU-R BT.601 weights).
    /// </summary>
    public static TrainingData Create(ImageData source, int imageSize, int channels, Device device)
    {
        if (source.Count < 1)
        {
            throw new ArgumentException("The data set is empty: it contains no images.", nameof(source));
        }

        var chunks = new List<Tensor>();
        try
        {
            for (int start = 0; start < source.Count; start += ConversionChunk)
            {
                int count = Math.Min(ConversionChunk, source.Count - start);
                chunks.Add(ConvertChunk(source, start, count, imageSize, channels));
            }

            using Tensor all = cat(chunks, 0);
            return new TrainingData(all.to(device));
        }
        finally
        {
            foreach (Tensor chunk in chunks)
            {
                chunk.Dispose();
            }
        }
    }

    /// <summary>Returns the images at <paramref name="indices"/> as floats in [-1, 1].</summary>
    public Tensor Batch(Tensor indices)
    {
        using Tensor selected = images.index_select(0, indices.to(images.device));
        return selected.to_type(ScalarType.Float32).mul_(ByteToUnitScale).sub_(UnitOffset);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        images.Dispose();
    }

    private static Tensor ConvertChunk(ImageData source, int start, int count, int imageSize, int channels)
    {
        using var scope = NewDisposeScope();
        long offset = (long)start * source.ImageLength;
        var pixels = new byte[(long)count * source.ImageLength];
        Array.Copy(source.Pixels, offset, pixels, 0, pixels.Length);
        Tensor batch = tensor(pixels, [count, source.Channels, source.Height, source.Width]).to_type(ScalarType.Float32);

        batch = ToChannels(batch, channels);
        batch = ToSize(batch, imageSize);
        return batch.round().clamp(ByteMin, ByteMax).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    private static Tensor ToChannels(Tensor batch, int channels)
    {
        long sourceChannels = batch.shape[1];
        if (sourceChannels == channels)
        {
            return batch;
        }

        if (sourceChannels == 1 && channels == 3)
        {
            return batch.expand(-1, 3, -1, -1).contiguous();
        }

        if (sourceChannels == 3 && channels == 1)
        {
            Tensor weights = tensor(new[] { 0.299f, 0.587f, 0.114f }).view(1, 3, 1, 1);
            return (batch * weights).sum(1, keepdim: true);
        }

        throw new ArgumentException($"Cannot convert {sourceChannels}-channel images to {channels} channels.");
    }

    private static Tensor ToSize(Tensor batch, int imageSize)
    {
        long height = batch.shape[2];
        long width = batch.shape[3];
        if (height == imageSize && width == imageSize)
        {
            return batch;
        }

        bool padOnly = height <= imageSize && width <= imageSize
            && height * 4 >= imageSize * 3 && width * 4 >= imageSize * 3;
        if (padOnly)
        {
            long top = (imageSize - height) / 2;
            long left = (imageSize - width) / 2;
            return nn.functional.pad(batch, (left, imageSize - width - left, top, imageSize - height - top));
        }

        bool shrinking = height > imageSize || width > imageSize;
        return nn.functional.interpolate(
            batch,
            size: [imageSize, imageSize],
            mode: InterpolationMode.Bilinear,
            align_corners: false,
            antialias: shrinking);
    }
}
