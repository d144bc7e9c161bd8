using Dcgan.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Timing;

/// <summary>
/// Floating-point operations per image, counted from the layer shapes of the DCGAN networks. Convention: one
/// multiply-add is 2 FLOP, and only convolutions and transposed convolutions count (BatchNorm, activations, the loss
/// and Adam are left out). A backward pass costs twice its forward pass. A training step is then the generator's
/// forward, three discriminator forwards (real, detached fake, fake for the generator's loss), the backward of each
/// and the generator's backward: 3 G + 9 D in forward units. Sampling is one generator forward.
/// </summary>
public sealed record FlopCount(double GeneratorForward, double DiscriminatorForward)
{
    /// <summary>FLOP of one training step per image.</summary>
    public double TrainingPerImage => 3 * GeneratorForward + 9 * DiscriminatorForward;

    /// <summary>FLOP of sampling one image.</summary>
    public double SamplingPerImage => GeneratorForward;

    /// <summary>Counts the networks of <paramref name="model"/> by passing one image through their layers.</summary>
    public static FlopCount Of(ModelConfig model)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new DcganGenerator(model);
        using var discriminator = new DcganDiscriminator(model);
        double generatorFlop = Forward(generator, zeros(1, model.LatentSize, 1, 1), out Tensor image);
        double discriminatorFlop = Forward(discriminator, image, out _);
        return new FlopCount(generatorFlop, discriminatorFlop);
    }

    private static double Forward(nn.Module network, Tensor input, out Tensor output)
    {
        var main = (Sequential)network.named_children().Single(child => child.name == "main").module;
        double flop = 0;
        Tensor current = input;
        foreach ((string _, nn.Module layer) in main.named_children())
        {
            Tensor next = ((nn.Module<Tensor, Tensor>)layer).forward(current);
            flop += layer switch
            {
                // Weight Cout × Cin × kH × kW: each output value takes Cin·kH·kW multiply-adds.
                Conv2d convolution => 2.0 * next.numel() * KernelVolume(convolution.weight!),
                // Weight Cin × Cout × kH × kW: each input value feeds Cout·kH·kW multiply-adds.
                ConvTranspose2d transposed => 2.0 * current.numel() * KernelVolume(transposed.weight!),
                _ => 0,
            };
            current = next;
        }

        output = current;
        return flop;
    }

    private static long KernelVolume(Tensor weight) => weight.shape[1] * weight.shape[2] * weight.shape[3];
}
