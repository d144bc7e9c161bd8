using System.Text.Json;

namespace Dcgan.Engine.Tests.Checkpoints;

/// <summary>
/// Generator files that PyTorch 1.13 wrote with bench/pytorch/make_fixtures.sh, and the images PyTorch made from
/// them for fixed noise.
/// </summary>
internal static class PyTorchFixture
{
    public static string PathOf(string fileName) =>
        Path.Combine(AppContext.BaseDirectory, "Checkpoints", "PyTorchFixtures", fileName);

    /// <summary>Reads NAME.reference.json: the noise and the eval-mode images with their shapes.</summary>
    public static Reference ReadReference(string name)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(PathOf(name + ".reference.json")));
        JsonElement root = document.RootElement;
        return new Reference(ReadTensor(root.GetProperty("noise")), ReadTensor(root.GetProperty("images")));
    }

    private static (long[] Shape, float[] Values) ReadTensor(JsonElement element) =>
        ([.. element.GetProperty("shape").EnumerateArray().Select(size => size.GetInt64())],
            [.. element.GetProperty("values").EnumerateArray().Select(value => value.GetSingle())]);

    /// <summary>PyTorch's noise and the images its generator made from it.</summary>
    public sealed record Reference((long[] Shape, float[] Values) Noise, (long[] Shape, float[] Values) Images);
}
