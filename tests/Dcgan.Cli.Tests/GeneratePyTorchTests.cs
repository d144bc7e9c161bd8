using System.IO.Compression;
using System.Text;
using Dcgan.Cli.Tests.Infrastructure;
using SkiaSharp;

namespace Dcgan.Cli.Tests;

/// <summary>
/// 'dcgan generate --checkpoint' with generator weights that PyTorch saved, with the worker hosted in the test process.
/// </summary>
public sealed class GeneratePyTorchTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-cli-pytorch-").FullName;
    private readonly ConsoleCapture console = new();

    public void Dispose()
    {
        console.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData(".pth")]
    [InlineData(".safetensors")]
    public async Task Generate_PyTorchWeights_WritesImagesOfInferredShape(string extension)
    {
        string weights = Path.Combine(directory, "trained" + extension);
        File.Copy(Fixture("generator-32x32x3" + extension), weights);
        string output = Path.Combine(directory, "out");

        int exitCode = await DcganCli.InvokeAsync(
            "generate", "--checkpoint", weights, "--count", "3", "--seed", "4", "--device", "cpu",
            "--output", output, "--job-id", "imported");

        exitCode.ShouldBe(0, console.Error);
        File.Exists(Path.Combine(output, "models", "imported" + extension)).ShouldBeTrue();
        string imageFolder = Path.Combine(output, "jobs", "imported", "images");
        Directory.GetFiles(imageFolder, "image-*.png").Length.ShouldBe(3);
        using SKBitmap first = SKBitmap.Decode(Path.Combine(imageFolder, "image-00000.png"));
        first.Width.ShouldBe(32);
        first.Height.ShouldBe(32);
        bool hasColour = Enumerable.Range(0, 32)
            .Select(x => first.GetPixel(x, 16))
            .Any(pixel => pixel.Red != pixel.Green || pixel.Green != pixel.Blue);
        hasColour.ShouldBeTrue("a 3-channel generator should give colour pixels");
    }

    [Fact]
    public async Task Generate_UnsupportedExtension_ListsSupportedOnes()
    {
        string weights = Path.Combine(directory, "generator.onnx");
        File.WriteAllBytes(weights, [1, 2, 3]);

        int exitCode = await DcganCli.InvokeAsync(
            "generate", "--checkpoint", weights, "--device", "cpu", "--output", Path.Combine(directory, "out"));

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("generator.onnx");
        console.Error.ShouldContain("'.ckpt', '.pth', '.pt' or '.safetensors'");
    }

    [Fact]
    public async Task Generate_ForbiddenPickleGlobal_FailsWithReason()
    {
        string weights = Path.Combine(directory, "hostile.pt");
        using (var archive = new ZipArchive(File.Create(weights), ZipArchiveMode.Create))
        using (Stream stream = archive.CreateEntry("hostile/data.pkl").Open())
        {
            stream.Write([0x80, 2, (byte)'c', .. Encoding.ASCII.GetBytes("posix\nsystem\n"), (byte)')', (byte)'R', (byte)'.']);
        }

        int exitCode = await DcganCli.InvokeAsync(
            "generate", "--checkpoint", weights, "--device", "cpu", "--output", Path.Combine(directory, "out"));

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("names the Python global 'posix.system'");
    }

    private static string Fixture(string fileName) => Path.Combine(AppContext.BaseDirectory, "PyTorchFixtures", fileName);
}
