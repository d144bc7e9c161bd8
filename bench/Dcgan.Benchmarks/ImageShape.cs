namespace Dcgan.Benchmarks;

/// <summary>Image shape of one benchmark case, written as "32x32x1" in parameters and reports.</summary>
public sealed record ImageShape(int Size, int Channels)
{
    public static ImageShape Parse(string text)
    {
        string[] parts = text.Split('x');
        return new ImageShape(int.Parse(parts[0]), int.Parse(parts[2]));
    }

    public override string ToString() => $"{Size}x{Size}x{Channels}";
}
