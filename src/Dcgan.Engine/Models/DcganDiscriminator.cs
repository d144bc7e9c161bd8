using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Models;

/// <summary>
/// DCGAN discriminator: stride-2 convolutions with LeakyReLU 0.2 and BatchNorm on every layer but the first,
/// no pooling and no fully connected layer, ending in one 4×4 convolution that gives one logit per image.
/// </summary>
public sealed class DcganDiscriminator : nn.Module<Tensor, Tensor>
{
    private const double LeakySlope = 0.2;

    private readonly Sequential main;

    /// <summary>Builds the discriminator for <paramref name="config"/>, which must be valid.</summary>
    public DcganDiscriminator(ModelConfig config)
        : base("Discriminator")
    {
        config.EnsureValid();
        Config = config;

        long features = config.DiscriminatorFeatures;
        var modules = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Conv2d(config.Channels, features, kernel_size: 4, stride: 2, padding: 1, bias: false),
            new LeakyRelu(LeakySlope),
        };

        for (int i = 1; i < config.UpsamplingLayers; i++)
        {
            modules.Add(nn.Conv2d(features, features * 2, kernel_size: 4, stride: 2, padding: 1, bias: false));
            modules.Add(new BatchNorm(features * 2));
            modules.Add(new LeakyRelu(LeakySlope));
            features *= 2;
        }

        modules.Add(nn.Conv2d(features, 1, kernel_size: 4, stride: 1, padding: 0L, bias: false));
        main = nn.Sequential(modules);

        RegisterComponents();
    }

    /// <summary>Configuration the network was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>Maps images N×C×H×W to one logit per image, shaped N.</summary>
    public override Tensor forward(Tensor images)
    {
        return main.forward(images).view(-1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            main.Dispose();
        }

        base.Dispose(disposing);
    }
}
