using BenchmarkDotNet.Attributes;
using Dcgan.Benchmarks.Loops;

namespace Dcgan.Benchmarks;

/// <summary>
/// One DCGAN training step at batch 64: the engine's step on real Fashion-MNIST batches against a bare
/// TorchSharp loop with the same networks, optimizers and loss on random tensors. Each operation is one image,
/// so the Op/s column reads as training images per second.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class TrainingBenchmarks
{
    private ITimedLoop? bare;
    private ITimedLoop? engine;

    [Params("32x32x1", "64x64x3")]
    public string Shape { get; set; } = "32x32x1";

    [GlobalSetup]
    public void Setup()
    {
        ImageShape shape = ImageShape.Parse(Shape);
        bare = LoopFactory.Create("bare", "train", shape, LoopFactory.TrainingBatchSize);
        engine = LoopFactory.Create("engine", "train", shape, LoopFactory.TrainingBatchSize);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        bare?.Dispose();
        engine?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LoopFactory.TrainingBatchSize)]
    public void BareLoop() => bare!.Step();

    [Benchmark(OperationsPerInvoke = LoopFactory.TrainingBatchSize)]
    public void Engine() => engine!.Step();
}
