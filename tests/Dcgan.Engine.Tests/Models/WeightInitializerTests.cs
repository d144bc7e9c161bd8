using Dcgan.Engine.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Models;

public sealed class WeightInitializerTests
{
    [Fact]
    public void Apply_ConvolutionWeights_HaveMeanZeroAndStdTwoHundredths()
    {
        using var generator = new DcganGenerator(new ModelConfig { ImageSize = 64, Channels = 3 });
        using var random = new TorchSharp.torch.Generator(7, CPU);

        WeightInitializer.Apply(generator, 0.02, random);

        foreach (ConvTranspose2d layer in generator.modules().OfType<ConvTranspose2d>())
        {
            layer.weight!.mean().item<float>().ShouldBe(0f, 0.002f);
            layer.weight!.std().item<float>().ShouldBe(0.02f, 0.002f);
        }
    }

    [Fact]
    public void Apply_BatchNorm_HasWeightNearOneAndZeroBias()
    {
        using var discriminator = new DcganDiscriminator(new ModelConfig { ImageSize = 64, Channels = 3 });
        using var random = new TorchSharp.torch.Generator(7, CPU);

        WeightInitializer.Apply(discriminator, 0.02, random);

        var norms = discriminator.modules().OfType<Dcgan.Engine.Models.BatchNorm>().ToList();
        norms.ShouldNotBeEmpty();
        foreach (Dcgan.Engine.Models.BatchNorm norm in norms)
        {
            norm.Weight.mean().item<float>().ShouldBe(1f, 0.01f);
            norm.Weight.std().item<float>().ShouldBe(0.02f, 0.01f);
            norm.Bias.abs().max().item<float>().ShouldBe(0f);
        }
    }

    [Fact]
    public void Apply_SameSeed_GivesSameWeights()
    {
        var config = new ModelConfig { GeneratorFeatures = 8 };
        using var first = new DcganGenerator(config);
        using var second = new DcganGenerator(config);
        using var firstRandom = new TorchSharp.torch.Generator(3, CPU);
        using var secondRandom = new TorchSharp.torch.Generator(3, CPU);

        WeightInitializer.Apply(first, 0.02, firstRandom);
        WeightInitializer.Apply(second, 0.02, secondRandom);

        foreach ((string name, Tensor value) in first.state_dict())
        {
            value.allclose(second.state_dict()[name], rtol: 0, atol: 0).ShouldBeTrue(name);
        }
    }
}
