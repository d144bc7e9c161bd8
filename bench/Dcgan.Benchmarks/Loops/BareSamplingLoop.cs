using Dcgan.Engine.Models;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Loops;

/// <summary>A no-grad forward pass of an initialised generator in eval mode on one random noise batch.</summary>
public sealed class BareSamplingLoop : ITimedLoop
{
    private readonly DcganGenerator generator;

    public BareSamplingLoop(ModelConfig model, int batchSize)
    {
        ImagesPerStep = batchSize;
        generator = InitialisedGenerator.Create(model);
    }

    public int ImagesPerStep { get; }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        generator.forward(randn(ImagesPerStep, generator.Config.LatentSize, 1, 1));
    }

    public void Dispose() => generator.Dispose();
}
