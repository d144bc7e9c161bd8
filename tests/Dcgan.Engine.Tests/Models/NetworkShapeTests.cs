using Dcgan.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Models;

public sealed class NetworkShapeTests
{
    public static TheoryData<int, int> SizesAndChannels()
    {
        var data = new TheoryData<int, int>();
        foreach (int size in new[] { 16, 32, 64, 128 })
        {
            data.Add(size, 1);
            data.Add(size, 3);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SizesAndChannels))]
    public void Generator_AnySupportedShape_ProducesImagesInTanhRange(int size, int channels)
    {
        using var scope = NewDisposeScope();
        var config = new ModelConfig { ImageSize = size, Channels = channels, GeneratorFeatures = 8, LatentSize = 16 };
        using var generator = new DcganGenerator(config);

        Tensor images = generator.forward(randn(3, 16));

        images.shape.ShouldBe([3L, channels, size, size]);
        images.min().item<float>().ShouldBeGreaterThanOrEqualTo(-1f);
        images.max().item<float>().ShouldBeLessThanOrEqualTo(1f);
    }

    [Theory]
    [MemberData(nameof(SizesAndChannels))]
    public void Discriminator_AnySupportedShape_ReturnsOneLogitPerImage(int size, int channels)
    {
        using var scope = NewDisposeScope();
        var config = new ModelConfig { ImageSize = size, Channels = channels, DiscriminatorFeatures = 8 };
        using var discriminator = new DcganDiscriminator(config);

        Tensor logits = discriminator.forward(randn(5, channels, size, size));

        logits.shape.ShouldBe([5L]);
    }

    [Theory]
    [InlineData(28)]
    [InlineData(48)]
    [InlineData(8)]
    [InlineData(256)]
    [InlineData(0)]
    public void Generator_UnsupportedSize_IsRejectedWithAllowedSizes(int size)
    {
        var config = new ModelConfig { ImageSize = size };

        var error = Should.Throw<ArgumentException>(() => new DcganGenerator(config));

        error.Message.ShouldContain($"Image size {size}");
        error.Message.ShouldContain("power of two from 16 to 128");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void Discriminator_UnsupportedChannels_IsRejected(int channels)
    {
        var config = new ModelConfig { Channels = channels };

        var error = Should.Throw<ArgumentException>(() => new DcganDiscriminator(config));

        error.Message.ShouldContain($"Channels {channels}");
    }

    [Fact]
    public void Discriminator_Architecture_HasNoBatchNormOnFirstLayerAndNoLinearLayer()
    {
        using var discriminator = new DcganDiscriminator(new ModelConfig { ImageSize = 64, Channels = 3 });

        var children = discriminator.named_modules().Select(pair => pair.module).ToList();
        var layers = children.Where(m => m is TorchSharp.Modules.Conv2d or BatchNorm).ToList();

        layers[0].ShouldBeOfType<TorchSharp.Modules.Conv2d>();
        layers[1].ShouldBeOfType<TorchSharp.Modules.Conv2d>();
        layers.OfType<BatchNorm>().Count().ShouldBe(3);
        children.OfType<TorchSharp.Modules.Linear>().ShouldBeEmpty();
        children.OfType<TorchSharp.Modules.MaxPool2d>().ShouldBeEmpty();
    }

    [Fact]
    public void Generator_At64By64_UsesPyTorchExampleStateDictKeys()
    {
        using var generator = new DcganGenerator(new ModelConfig { ImageSize = 64, Channels = 3 });

        var keys = generator.state_dict().Keys.ToList();

        keys.ShouldContain("main.0.weight");
        keys.ShouldContain("main.1.running_mean");
        keys.ShouldContain("main.12.weight");
        generator.state_dict()["main.0.weight"].shape.ShouldBe([100L, 512, 4, 4]);
    }
}
