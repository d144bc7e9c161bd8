using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Models;

/// <summary>
/// DCGAN generator (Radford, Metz and Chintala, 2015): z reshaped to 1×1, a transposed convolution to 4×4,
/// then stride-2 transposed convolutions with BatchNorm and ReLU that double the side, and Tanh on the image.
/// </summary>
/// <remarks>
/// Layers sit in a sequence named <c>main</c>, so state-dict keys read <c>main.0.weight</c>, <c>main.1.running_mean</c>,
/// as in PyTorch's DCGAN example at 64×64.
/// </remarks>
public sealed class DcganGenerator : nn.Module<Tensor, Tensor>
{
    private readonly Sequential main;

    /// <summary>Builds the generator for <paramref name="config"/>, which must be valid.</summary>
    public DcganGenerator(ModelConfig config)
        : base("Generator")
    {
        config.EnsureValid();
        Config = config;

        int layers = config.UpsamplingLayers;
        long features = (long)config.GeneratorFeatures << (layers - 1);
        var modules = new List<nn.Module<Tensor, Tensor>>
        {
            nn.ConvTranspose2d(config.LatentSize, features, 4, stride: 1, padding: 0, bias: false),
            new BatchNorm(features),
            nn.ReLU(inplace: true),
        };

        for (int i = 1; i < layers; i++)
        {
            modules.Add(nn.ConvTranspose2d(features, features / 2, 4, stride: 2, padding: 1, bias: false));
            modules.Add(new BatchNorm(features / 2));
            modules.Add(nn.ReLU(inplace: true));
            features /= 2;
        }

        modules.Add(nn.ConvTranspose2d(features, config.Channels, 4, stride: 2, padding: 1, bias: false));
        modules.Add(nn.Tanh());
        main = nn.Sequential(modules);

        RegisterComponents();
    }

    /// <summary>Configuration the network was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>Maps latent vectors, shaped N×Z or N×Z×1×1, to images N×C×H×W in [-1, 1].</summary>
    public override Tensor forward(Tensor latent)
    {
        Tensor input = latent.dim() == 2 ? latent.view(latent.shape[0], latent.shape[1], 1, 1) : latent;
        return main.forward(input);
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
