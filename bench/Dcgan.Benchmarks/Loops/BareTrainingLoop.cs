using Dcgan.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Loops;

/// <summary>
/// The DCGAN training step written plainly with TorchSharp's own Adam and BCE-with-logits on one random batch: no
/// data loading, no logging. It is the yardstick for the engine's overhead.
/// </summary>
public sealed class BareTrainingLoop : ITimedLoop
{
    private readonly DcganGenerator generator;
    private readonly DcganDiscriminator discriminator;
    private readonly TorchSharp.Modules.Adam generatorOptimizer;
    private readonly TorchSharp.Modules.Adam discriminatorOptimizer;
    private readonly Tensor realBatch;
    private readonly Tensor ones;
    private readonly Tensor zeros;
    private readonly int latentSize;

    public BareTrainingLoop(ModelConfig model, int batchSize)
    {
        ImagesPerStep = batchSize;
        latentSize = model.LatentSize;
        generator = new DcganGenerator(model);
        discriminator = new DcganDiscriminator(model);
        generatorOptimizer = optim.Adam(generator.parameters(), 2e-4, 0.5, 0.999);
        discriminatorOptimizer = optim.Adam(discriminator.parameters(), 2e-4, 0.5, 0.999);
        realBatch = rand(batchSize, model.Channels, model.ImageSize, model.ImageSize) * 2 - 1;
        ones = torch.ones(batchSize);
        zeros = torch.zeros(batchSize);
    }

    public int ImagesPerStep { get; }

    public void Step()
    {
        using var scope = NewDisposeScope();
        Tensor noise = randn(ImagesPerStep, latentSize, 1, 1);

        discriminatorOptimizer.zero_grad();
        Tensor realLoss = nn.functional.binary_cross_entropy_with_logits(discriminator.forward(realBatch), ones);
        Tensor fake = generator.forward(noise);
        Tensor fakeLoss = nn.functional.binary_cross_entropy_with_logits(discriminator.forward(fake.detach()), zeros);
        Tensor discriminatorLoss = realLoss + fakeLoss;
        discriminatorLoss.backward();
        discriminatorOptimizer.step();

        generatorOptimizer.zero_grad();
        Tensor generatorLoss = nn.functional.binary_cross_entropy_with_logits(discriminator.forward(fake), ones);
        generatorLoss.backward();
        generatorOptimizer.step();
        generatorLoss.item<float>();
    }

    public void Dispose()
    {
        generatorOptimizer.Dispose();
        discriminatorOptimizer.Dispose();
        generator.Dispose();
        discriminator.Dispose();
        realBatch.Dispose();
        ones.Dispose();
        zeros.Dispose();
    }
}
