using BenchmarkDotNet.Attributes;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks;

/// <summary>
/// One DCGAN training step at batch 64: the engine's step on real Fashion-MNIST batches against a bare
/// TorchSharp loop with the same networks, optimizers and loss on random tensors. Each operation is one image,
/// so the Op/s column reads as training images per second.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class TrainingBenchmarks
{
    private const int BatchSize = 64;

    private TrainingData? data;
    private TrainingSession? session;
    private DcganGenerator? bareGenerator;
    private DcganDiscriminator? bareDiscriminator;
    private TorchSharp.Modules.Adam? bareGeneratorOptimizer;
    private TorchSharp.Modules.Adam? bareDiscriminatorOptimizer;
    private Tensor? realBatch;
    private Tensor? ones;
    private Tensor? zeros;

    [Params("32x32x1", "64x64x3")]
    public string Shape { get; set; } = "32x32x1";

    [GlobalSetup]
    public void Setup()
    {
        ImageShape shape = ImageShape.Parse(Shape);
        var model = new ModelConfig { ImageSize = shape.Size, Channels = shape.Channels };
        var config = new TrainingConfig { Model = model, BatchSize = BatchSize, Device = "cpu", Seed = 1 };

        ImageData images = IdxReader.ReadImages(FashionMnist.Locate(null).TrainImages, 10_000);
        data = TrainingData.Create(images, shape.Size, shape.Channels, CPU);
        session = TrainingSession.Start(config, CPU);

        bareGenerator = new DcganGenerator(model);
        bareDiscriminator = new DcganDiscriminator(model);
        bareGeneratorOptimizer = optim.Adam(bareGenerator.parameters(), 2e-4, 0.5, 0.999);
        bareDiscriminatorOptimizer = optim.Adam(bareDiscriminator.parameters(), 2e-4, 0.5, 0.999);
        realBatch = rand(BatchSize, shape.Channels, shape.Size, shape.Size) * 2 - 1;
        ones = torch.ones(BatchSize);
        zeros = torch.zeros(BatchSize);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        session?.Dispose();
        data?.Dispose();
        bareGeneratorOptimizer?.Dispose();
        bareDiscriminatorOptimizer?.Dispose();
        bareGenerator?.Dispose();
        bareDiscriminator?.Dispose();
        realBatch?.Dispose();
        ones?.Dispose();
        zeros?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize)]
    public float BareLoop()
    {
        using var scope = NewDisposeScope();
        Tensor noise = randn(BatchSize, 100, 1, 1);

        bareDiscriminatorOptimizer!.zero_grad();
        Tensor realLoss = nn.functional.binary_cross_entropy_with_logits(bareDiscriminator!.forward(realBatch!), ones!);
        Tensor fake = bareGenerator!.forward(noise);
        Tensor fakeLoss = nn.functional.binary_cross_entropy_with_logits(bareDiscriminator.forward(fake.detach()), zeros!);
        Tensor discriminatorLoss = realLoss + fakeLoss;
        discriminatorLoss.backward();
        bareDiscriminatorOptimizer.step();

        bareGeneratorOptimizer!.zero_grad();
        Tensor generatorLoss = nn.functional.binary_cross_entropy_with_logits(bareDiscriminator.forward(fake), ones!);
        generatorLoss.backward();
        bareGeneratorOptimizer.step();
        return generatorLoss.item<float>();
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public float Engine()
    {
        using var scope = NewDisposeScope();
        Tensor indices = session!.BatchIndices(session.Step, data!.Count);
        Tensor batch = data.Batch(indices);
        return session.TrainStep(batch, 0).GeneratorLoss;
    }
}
