using BenchmarkDotNet.Attributes;
using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks;

/// <summary>
/// Sampling at batch 256 from an initialised generator: the engine's seeded per-image noise and eval-mode
/// sampling against a bare no-grad forward pass on one random noise batch. Op/s reads as images per second.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class SamplingBenchmarks
{
    private const int BatchSize = 256;

    private DcganGenerator? generator;
    private long seed;

    [Params("32x32x1", "64x64x3")]
    public string Shape { get; set; } = "32x32x1";

    [GlobalSetup]
    public void Setup()
    {
        ImageShape shape = ImageShape.Parse(Shape);
        generator = new DcganGenerator(new ModelConfig { ImageSize = shape.Size, Channels = shape.Channels });
        using var random = new Generator(1, CPU);
        WeightInitializer.Apply(generator, 0.02, random);
        generator.eval();
    }

    [GlobalCleanup]
    public void Cleanup() => generator?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize)]
    public long BareLoop()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor images = generator!.forward(randn(BatchSize, 100, 1, 1));
        return images.shape[0];
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public long Engine()
    {
        long count = 0;
        foreach (Tensor images in ImageSampler.Generate(generator!, BatchSize, seed++, BatchSize, CPU))
        {
            count += images.shape[0];
            images.Dispose();
        }

        return count;
    }
}
