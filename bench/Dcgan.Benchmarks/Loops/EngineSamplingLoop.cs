using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Loops;

/// <summary>The engine's sampler: noise seeded per image, eval mode, no-grad, results on the CPU.</summary>
public sealed class EngineSamplingLoop : ITimedLoop
{
    private readonly DcganGenerator generator;
    private long seed;

    public EngineSamplingLoop(ModelConfig model, int batchSize)
    {
        ImagesPerStep = batchSize;
        generator = InitialisedGenerator.Create(model);
    }

    public int ImagesPerStep { get; }

    public void Step()
    {
        foreach (Tensor images in ImageSampler.Generate(generator, ImagesPerStep, seed++, ImagesPerStep, CPU))
        {
            images.Dispose();
        }
    }

    public void Dispose() => generator.Dispose();
}
