using BenchmarkDotNet.Attributes;
using Dcgan.Benchmarks.Loops;

namespace Dcgan.Benchmarks;

/// <summary>
/// Sampling at batch 256 from an initialised generator: the engine's seeded per-image noise and eval-mode
/// sampling against a bare no-grad forward pass on one random noise batch. Op/s reads as images per second.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class SamplingBenchmarks
{
    private ITimedLoop? bare;
    private ITimedLoop? engine;

    [Params("32x32x1", "64x64x3")]
    public string Shape { get; set; } = "32x32x1";

    [GlobalSetup]
    public void Setup()
    {
        ImageShape shape = ImageShape.Parse(Shape);
        bare = LoopFactory.Create("bare", "sample", shape, LoopFactory.SamplingBatchSize);
        engine = LoopFactory.Create("engine", "sample", shape, LoopFactory.SamplingBatchSize);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        bare?.Dispose();
        engine?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LoopFactory.SamplingBatchSize)]
    public void BareLoop() => bare!.Step();

    [Benchmark(OperationsPerInvoke = LoopFactory.SamplingBatchSize)]
    public void Engine() => engine!.Step();
}
