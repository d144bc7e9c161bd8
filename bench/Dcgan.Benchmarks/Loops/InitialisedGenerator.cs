using Dcgan.Engine.Models;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Loops;

/// <summary>Generators with DCGAN's initial weights from a fixed seed, in eval mode, for sampling benchmarks.</summary>
public static class InitialisedGenerator
{
    public static DcganGenerator Create(ModelConfig model)
    {
        var generator = new DcganGenerator(model);
        using var random = new Generator(1, CPU);
        WeightInitializer.Apply(generator, 0.02, random);
        generator.eval();
        return generator;
    }
}
