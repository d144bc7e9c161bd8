namespace Dcgan.Contracts;

/// <summary>Training parameters; every null field takes the worker's configured default.</summary>
public sealed record TrainingSettings
{
    /// <summary>Side of the square images in pixels: 16, 32, 64 or 128.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Channels: 1 (grayscale) or 3 (RGB).</summary>
    public int? Channels { get; init; }

    /// <summary>Length of the latent vector z, 1 to 4096.</summary>
    public int? LatentSize { get; init; }

    /// <summary>Generator feature maps in the last hidden layer, 1 to 1024.</summary>
    public int? GeneratorFeatures { get; init; }

    /// <summary>Discriminator feature maps in the first layer, 1 to 1024.</summary>
    public int? DiscriminatorFeatures { get; init; }

    /// <summary>Images per step, 2 to 4096.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Passes over the data, 1 to 10000; ignored when <see cref="MaxSteps"/> is set.</summary>
    public int? Epochs { get; init; }

    /// <summary>Total training steps, 1 to 100000000.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Adam learning rate, above 0 and at most 1.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Adam beta1, 0 to below 1.</summary>
    public double? Beta1 { get; init; }

    /// <summary>Adam beta2, 0 to below 1.</summary>
    public double? Beta2 { get; init; }

    /// <summary>Random seed for weights, data order and noise.</summary>
    public long? Seed { get; init; }

    /// <summary>Steps between stored checkpoints, 1 or more.</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>Steps between stored sample grids, 1 or more.</summary>
    public int? SampleEvery { get; init; }

    /// <summary>
    /// Generated images scored at each checkpoint, 100 to 10000, or 0 to train without scores. Scores need image size
    /// 32 with 1 channel. Scoring adds <c>scores.csv</c> and <c>checkpoints/best.ckpt</c> to the job's artifacts.
    /// </summary>
    public int? EvaluationImages { get; init; }
}
