namespace Dcgan.Engine.Training;

/// <summary>One row of the loss history.</summary>
public sealed record LossRecord(
    long Step,
    int Epoch,
    float DiscriminatorLoss,
    float GeneratorLoss,
    float RealScore,
    float FakeScore);
