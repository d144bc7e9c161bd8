namespace Dcgan.Engine.Data;

/// <summary>
/// Decoded 8-bit images stored contiguously as N×C×H×W, the layout the training loop copies into a tensor.
/// </summary>
/// <param name="Pixels">Pixel values, 0 to 255, image after image, channel planes in order.</param>
/// <param name="Count">Number of images.</param>
/// <param name="Channels">Channels per image: 1 for grayscale, 3 for RGB.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Width">Image width in pixels.</param>
public sealed record ImageData(byte[] Pixels, int Count, int Channels, int Height, int Width)
{
    /// <summary>Bytes per image.</summary>
    public int ImageLength => Channels * Height * Width;
}
