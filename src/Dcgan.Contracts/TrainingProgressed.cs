namespace Dcgan.Contracts;

/// <summary>Event: figures of a running training job, published at most once per configured interval.</summary>
public sealed record TrainingProgressed
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>Steps completed.</summary>
    public long Step { get; init; }

    /// <summary>Steps the job will run in all.</summary>
    public long TotalSteps { get; init; }

    /// <summary>Current epoch, from 1.</summary>
    public int Epoch { get; init; }

    /// <summary>Epochs the job will run in all.</summary>
    public int TotalEpochs { get; init; }

    /// <summary>Discriminator loss of the latest step.</summary>
    public float DiscriminatorLoss { get; init; }

    /// <summary>Generator loss of the latest step.</summary>
    public float GeneratorLoss { get; init; }

    /// <summary>D(x): the discriminator's mean probability on the real batch.</summary>
    public float RealScore { get; init; }

    /// <summary>D(G(z)): the discriminator's mean probability on the generated batch.</summary>
    public float FakeScore { get; init; }

    /// <summary>Training throughput since the job (re)started, in images per second.</summary>
    public double ImagesPerSecond { get; init; }

    /// <summary>Estimated time to completion.</summary>
    public TimeSpan Remaining { get; init; }

    /// <summary>
    /// Newest checkpoint score at or before <see cref="Step"/>, or null when the job is not scored or has no score yet.
    /// </summary>
    public GeneratorScore? LatestScore { get; init; }
}
