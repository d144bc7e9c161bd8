using Dcgan.Engine.Models;

namespace Dcgan.Benchmarks.Loops;

/// <summary>Builds the loop for an implementation and a mode by name, as benchmark parameters give them.</summary>
public static class LoopFactory
{
    /// <summary>Implementations timed in this process.</summary>
    public static readonly string[] Implementations = ["bare", "engine"];

    /// <summary>Images per step in training: the DCGAN paper's batch, also the engine's default.</summary>
    public const int TrainingBatchSize = 64;

    /// <summary>Images per step in sampling, the worker's default generation batch.</summary>
    public const int SamplingBatchSize = 256;

    public static ITimedLoop Create(string implementation, string mode, ImageShape shape, int batchSize)
    {
        var model = new ModelConfig { ImageSize = shape.Size, Channels = shape.Channels };
        return (implementation, mode) switch
        {
            ("bare", "train") => new BareTrainingLoop(model, batchSize),
            ("engine", "train") => new EngineTrainingLoop(model, batchSize),
            ("bare", "sample") => new BareSamplingLoop(model, batchSize),
            ("engine", "sample") => new EngineSamplingLoop(model, batchSize),
            _ => throw new ArgumentException(
                $"Unknown loop '{implementation}' '{mode}': use bare or engine, and train or sample."),
        };
    }
}
