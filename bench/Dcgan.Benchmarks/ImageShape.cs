namespace Dcgan.Benchmarks;

/// <summary>Image shape of one benchmark case, written as "32x32x1" in parameters and reports.</summary>
public sealed record ImageShape(int Size, int Channels)
{
    public static ImageShape Parse(string text)
    {
        string[] parts = text.Split('x');
        if (parts.Length != 3 || parts[0] != parts[1]
            || !int.TryParse(parts[0], out int size) || !int.TryParse(parts[2], out int channels))
        {
            throw new FormatException($"Image shape '{text}' is not valid: write SIZExSIZExCHANNELS, such as 32x32x1.");
        }

        return new ImageShape(size, channels);
    }

    public override string ToString() => $"{Size}x{Size}x{Channels}";
}
