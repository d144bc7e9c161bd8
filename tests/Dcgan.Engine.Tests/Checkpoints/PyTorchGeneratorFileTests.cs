using System.IO.Compression;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Checkpoints.PyTorch;
using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Checkpoints;

public sealed class PyTorchGeneratorFileTests(ITestOutputHelper output)
{
    // Both sides compute in float32 on the CPU with different libtorch builds (1.13 and 2.10), so sums may round
    // differently. Measured differences were about 1e-7, and a wrong weight or statistic moves pixels by far more
    // than 1e-4 of the largest one.
    private const float RelativeTolerance = 1e-4f;

    public static TheoryData<string, string> FixtureFiles() => new()
    {
        { "generator-16x16x1.pth", "generator-16x16x1" },
        { "generator-16x16x1.safetensors", "generator-16x16x1" },
        { "generator-16x16x1.views.pth", "generator-16x16x1" },
        { "generator-32x32x3.pth", "generator-32x32x3" },
        { "generator-32x32x3.safetensors", "generator-32x32x3" },
    };

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Load_PyTorchFixture_MatchesPyTorchImages(string file, string name)
    {
        using var scope = NewDisposeScope();
        PyTorchFixture.Reference reference = PyTorchFixture.ReadReference(name);
        using DcganGenerator generator = PyTorchGeneratorFile.Load(PyTorchFixture.PathOf(file), CPU);

        Tensor noise = tensor(reference.Noise.Values, reference.Noise.Shape);
        Tensor images = ImageSampler.Sample(generator, noise);

        images.shape.ShouldBe(reference.Images.Shape);
        float[] actual = images.data<float>().ToArray();
        float[] expected = reference.Images.Values;
        float largest = expected.Max(Math.Abs);
        float maxError = actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        largest.ShouldBeGreaterThan(0.25f, "the reference images are too faint to show a wrong weight");
        output.WriteLine($"{file}: largest pixel {largest:G6}, largest difference from PyTorch {maxError:G3}");
        maxError.ShouldBeLessThanOrEqualTo(RelativeTolerance * largest);
    }

    [Theory]
    [InlineData("generator-16x16x1.pth", 16, 1, 8, 4)]
    [InlineData("generator-16x16x1.safetensors", 16, 1, 8, 4)]
    [InlineData("generator-32x32x3.pth", 32, 3, 5, 2)]
    [InlineData("generator-32x32x3.safetensors", 32, 3, 5, 2)]
    public void Load_PyTorchFixture_InfersModelConfig(string file, int imageSize, int channels, int latentSize, int features)
    {
        using DcganGenerator generator = PyTorchGeneratorFile.Load(PyTorchFixture.PathOf(file), CPU);

        generator.Config.ImageSize.ShouldBe(imageSize);
        generator.Config.Channels.ShouldBe(channels);
        generator.Config.LatentSize.ShouldBe(latentSize);
        generator.Config.GeneratorFeatures.ShouldBe(features);
        generator.training.ShouldBeFalse();
    }

    [Fact]
    public void Load_PyTorchFixture_CopiesBatchNormStatistics()
    {
        using var scope = NewDisposeScope();
        using DcganGenerator generator = PyTorchGeneratorFile.Load(PyTorchFixture.PathOf("generator-16x16x1.pth"), CPU);

        Dictionary<string, Tensor> state = generator.state_dict();

        // Five training steps on the PyTorch side moved the running variance away from its initial 1.
        state["main.1.running_var"].sub(1).abs().max().item<float>().ShouldBeGreaterThan(0.01f);
        state["main.1.num_batches_tracked"].item<long>().ShouldBe(5);
        state["main.4.num_batches_tracked"].item<long>().ShouldBe(5);
    }

    [Fact]
    public void Load_ExpectedConfigDiffers_NamesEachDifference()
    {
        var expected = new ModelConfig { ImageSize = 32, Channels = 1, LatentSize = 100, GeneratorFeatures = 4 };

        var error = Should.Throw<InvalidDataException>(
            () => PyTorchGeneratorFile.Load(PyTorchFixture.PathOf("generator-16x16x1.pth"), CPU, expected));

        error.Message.ShouldContain("image size 32 (the file has 16)");
        error.Message.ShouldContain("latent size 100 (the file has 8)");
        error.Message.ShouldNotContain("channels");
    }

    [Fact]
    public void Load_ExpectedConfigMatches_ReturnsGenerator()
    {
        var expected = new ModelConfig { ImageSize = 32, Channels = 3, LatentSize = 5, GeneratorFeatures = 2 };

        using DcganGenerator generator =
            PyTorchGeneratorFile.Load(PyTorchFixture.PathOf("generator-32x32x3.pth"), CPU, expected);

        generator.Config.ShouldBe(expected);
    }

    [Fact]
    public void ViewsFixture_PickledTensors_HaveOffsetsAndStrides()
    {
        string path = PyTorchFixture.PathOf("generator-16x16x1.views.pth");
        using ZipArchive archive = ZipFile.OpenRead(path);
        using var buffer = new MemoryStream();
        using (Stream stream = archive.GetEntry(ArchiveEditor.PickleName(path))!.Open())
        {
            stream.CopyTo(buffer);
        }

        IReadOnlyList<PickledTensor> tensors = TorchPickleReader.Read(buffer.ToArray(), path);

        PickledTensor first = tensors.Single(tensor => tensor.Key == "main.0.weight");
        first.Offset.ShouldBeGreaterThan(0);
        first.Stride.ShouldBe([16L, 128, 4, 1]);
        tensors.Count(tensor => tensor.StorageKey == first.StorageKey).ShouldBeGreaterThan(1);
    }

    [Fact]
    public void GeneratorFileLoad_PthFile_ReturnsInferredConfig()
    {
        using DcganGenerator generator =
            GeneratorFile.Load(PyTorchFixture.PathOf("generator-32x32x3.pth"), CPU, out CheckpointInfo info);

        info.Config.Model.ShouldBe(generator.Config);
        info.Config.Model.ImageSize.ShouldBe(32);
        info.Step.ShouldBe(0);
        float.IsNaN(info.GeneratorLoss).ShouldBeTrue();
    }

    [Theory]
    [InlineData("models/a.ckpt", ".ckpt")]
    [InlineData("models/a.pth", ".pth")]
    [InlineData("models/a.pt", ".pt")]
    [InlineData("models/a.safetensors", ".safetensors")]
    [InlineData("models/a.onnx", null)]
    [InlineData("models/a.PTH", null)]
    public void GeneratorFileFindExtension_Name_ReturnsSupportedExtension(string name, string? extension)
    {
        GeneratorFile.FindExtension(name).ShouldBe(extension);
    }

    [Fact]
    public void GeneratorFileLoad_UnsupportedExtension_ListsSupportedOnes()
    {
        var error = Should.Throw<ArgumentException>(() => GeneratorFile.Load("model.onnx", CPU, out _));

        error.Message.ShouldContain("'.ckpt', '.pth', '.pt' or '.safetensors'");
    }
}
