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
                    FillNormal(conv.weight!, 0.0, std, generator);
                    break;
                case ConvTranspose2d deconv:
                    FillNormal(deconv.weight!, 0.0, std, generator);
                    break;
                case BatchNorm norm:
                    FillNormal(norm.Weight, 1.0, std, generator);
                    norm.Bias.zero_();
                    break;
            }
        }
    }

    // nn.init.normal_ in TorchSharp 0.107.0 draws from the global generator even when given one, so two runs
    // with the same seed started differently. Drawing on the CPU and copying keeps the seed in charge.
    private static void FillNormal(Tensor target, double mean, double std, torch.Generator generator)
    {
        using Scalar scale = std.ToScalar();
        using Scalar offset = mean.ToScalar();
        using Tensor values = randn(target.shape, generator: generator).mul_(scale).add_(offset);
        target.copy_(values);
    }
}
