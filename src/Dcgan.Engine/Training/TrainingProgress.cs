namespace Dcgan.Engine.Training;

/// <summary>
/// Figures after one training step. Losses are those of that step; D(x) and D(G(z)) are the discriminator's
/// mean probabilities on the real and the generated batch.
/// </summary>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    int Epoch,
    int TotalEpochs,
    float DiscriminatorLoss,
    float GeneratorLoss,
    float RealScore,
    float FakeScore,
    double ImagesPerSecond,
    TimeSpan Elapsed,
    TimeSpan Remaining)
{
    /// <summary>Newest checkpoint score at or before <see cref="Step"/>, or null when scoring is off or none exists yet.</summary>
    public CheckpointScore? LatestScore { get; init; }
}
