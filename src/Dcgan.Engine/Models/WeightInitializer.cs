using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Models;

/// <summary>
/// DCGAN initialisation: convolution weights from N(0, std), BatchNorm weights from N(1, std) and biases 0.
/// </summary>
public static class WeightInitializer
{
    /// <summary>Initialises every convolution and BatchNorm layer of <paramref name="module"/> from <paramref name="generator"/>.</summary>
    public static void Apply(nn.Module module, double std, torch.Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(std);
        using var noGrad = no_grad();
        foreach ((string _, nn.Module child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    nn.init.normal_(conv.weight, 0.0, std, generator);
                    break;
                case ConvTranspose2d deconv:
                    nn.init.normal_(deconv.weight, 0.0, std, generator);
                    break;
                case BatchNorm2d norm:
                    nn.init.normal_(norm.weight, 1.0, std, generator);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }
}
