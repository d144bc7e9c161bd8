using System.CommandLine;
using Dcgan.Cli.Tests.Infrastructure;
using Dcgan.Engine.Data;
using Dcgan.Engine.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Cli.Tests;

/// <summary>'dcgan train-classifier' and 'dcgan evaluate' on small Fashion-MNIST subsets.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-cli-evaluate-").FullName;
    private readonly ConsoleCapture console = new();

    public void Dispose()
    {
        console.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("--images x --count 5", "--count 5 is out of range: use 10 to 10000.")]
    [InlineData("--images x --image-size 64", "--image-size '64' is not supported: use 28, 32.")]
    [InlineData("--images x --real cifar", "--real 'cifar' is not supported: use fashion-mnist.")]
    [InlineData("--images x -k 0", "--neighbours 0 is out of range: use 1 to 100.")]
    public void Evaluate_InvalidOption_ReportsValue(string arguments, string expected)
    {
        ParseResult result = DcganCommandLine.Create().Parse("evaluate " + arguments);

        result.Errors.Select(e => e.Message).ShouldContain(expected);
    }

    [Fact]
    public void Evaluate_WithoutImages_ReportsMissingOption()
    {
        ParseResult result = DcganCommandLine.Create().Parse("evaluate --count 100");

        result.Errors.ShouldContain(e => e.Message.Contains("--images", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_MissingClassifier_FailsWithPath()
    {
        string classifier = Path.Combine(directory, "absent.bin");
        Directory.CreateDirectory(Path.Combine(directory, "images"));

        int exitCode = await DcganCli.InvokeAsync(
            "evaluate", "--images", Path.Combine(directory, "images"), "--classifier", classifier);

        exitCode.ShouldBe(1);
        console.Error.ShouldContain($"Classifier file '{classifier}' not found");
    }

    [Fact]
    public async Task Evaluate_RealTestImages_ScoresAsIdentical()
    {
        string classifier = Path.Combine(directory, "classifier.bin");
        string images = Path.Combine(directory, "images");
        WriteTestImagesAsPng(images, 64);

        int trainExit = await DcganCli.InvokeAsync(
            "train-classifier", "--output", classifier, "--limit", "256", "--epochs", "1", "--batch-size", "64");
        int evaluateExit = await DcganCli.InvokeAsync(
            "evaluate", "--images", images, "--classifier", classifier, "--count", "64", "--image-size", "28");

        trainExit.ShouldBe(0);
        console.Output.ShouldContain("Test accuracy: ");
        evaluateExit.ShouldBe(0);

        // The folder contains the same 64 test images the command compares with, so the sets are identical.
        console.Output.ShouldContain("64 images against 64 Fashion-MNIST test images");
        console.Output.ShouldContain("Fréchet distance: 0.000");
        console.Output.ShouldContain("Precision (k = 3): 1.0000");
        console.Output.ShouldContain("Recall (k = 3): 1.0000");
        console.Output.ShouldContain(EvaluateCommand.ScaleNote);
    }

    private static void WriteTestImagesAsPng(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        ImageData images = IdxReader.ReadImages(FashionMnist.Locate(null).TestImages, count);
        using Scalar scale = (1.0 / 127.5).ToScalar();
        using Scalar negativeUnit = (-1.0).ToScalar();
        using Scalar unit = 1.0.ToScalar();
        for (int i = 0; i < count; i++)
        {
            byte[] pixels = images.Pixels.AsSpan(i * images.ImageLength, images.ImageLength).ToArray();
            using Tensor image = tensor(pixels, [1, images.Height, images.Width])
                .to_type(ScalarType.Float32)
                .mul_(scale)
                .add_(negativeUnit, unit);
            File.WriteAllBytes(Path.Combine(folder, $"image-{i:D5}.png"), PngWriter.Encode(image));
        }
    }
}
