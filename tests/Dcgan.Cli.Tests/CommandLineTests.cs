using System.CommandLine;
using SkiaSharp;

namespace Dcgan.Cli.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("--image-size 48", "--image-size '48' is not supported: use 16, 32, 64, 128.")]
    [InlineData("--channels 2", "--channels '2' is not supported: use 1, 3.")]
    [InlineData("--batch-size 1", "--batch-size 1 is out of range: use 2 to 4096.")]
    [InlineData("--epochs 0", "--epochs 0 is out of range: use 1 to 10000.")]
    [InlineData("--steps 0", "--steps 0 is out of range: use 1 to 100000000.")]
    [InlineData("--device tpu", "--device 'tpu' is not supported: use auto, cpu, cuda.")]
    [InlineData("--dataset cifar", "--dataset 'cifar' is not supported: use fashion-mnist, mnist.")]
    public void Train_InvalidOption_ReportsValueAndAllowedRange(string arguments, string expected)
    {
        ParseResult result = DcganCommandLine.Create().Parse("train " + arguments);

        result.Errors.Select(e => e.Message).ShouldContain(expected);
    }

    [Fact]
    public void Generate_WithoutCheckpoint_ReportsMissingOption()
    {
        ParseResult result = DcganCommandLine.Create().Parse("generate --count 4");

        result.Errors.ShouldNotBeEmpty();
        result.Errors[0].Message.ShouldContain("--checkpoint");
    }

    [Fact]
    public async Task TrainThenGenerate_RealSubset_WritesCheckpointAndImages()
    {
        string run = Path.Combine(directory, "run");
        string images = Path.Combine(directory, "images");

        int trained = await Invoke(
            $"train --limit 128 --steps 4 --batch-size 16 --image-size 16 --g-features 8 --d-features 8 --device cpu --output {run}");
        int generated = await Invoke(
            $"generate --checkpoint {run}/checkpoints/final.ckpt --count 5 --seed 9 --device cpu --output {images}");

        trained.ShouldBe(0);
        generated.ShouldBe(0);
        Directory.GetFiles(images, "image-*.png").Length.ShouldBe(5);
        using SKBitmap first = SKBitmap.Decode(Path.Combine(images, "image-00000.png"));
        first.Width.ShouldBe(16);
        File.Exists(Path.Combine(images, "grid.png")).ShouldBeTrue();
    }

    [Fact]
    public async Task Generate_MissingCheckpoint_FailsWithPathInMessage()
    {
        var output = new StringWriter();
        Console.SetError(output);

        int exitCode = await Invoke($"generate --checkpoint {directory}/absent.ckpt --device cpu --output {directory}/out");

        exitCode.ShouldBe(1);
        output.ToString().ShouldContain("absent.ckpt");
        output.ToString().ShouldContain("was not found");
    }

    [Fact]
    public async Task Train_MissingDataDirectory_ListsSearchedPlaces()
    {
        var output = new StringWriter();
        Console.SetError(output);

        int exitCode = await Invoke($"train --data-dir {directory}/nothing --steps 1 --device cpu --output {directory}/run");

        exitCode.ShouldBe(1);
        output.ToString().ShouldContain($"{directory}/nothing");
    }

    private static Task<int> Invoke(string arguments) => DcganCommandLine.Create().Parse(arguments).InvokeAsync();
}
