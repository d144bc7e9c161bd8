using Dcgan.Contracts;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>
/// Commands small enough for two shared cores: 256 real Fashion-MNIST images at 16 × 16, 8 feature maps per
/// network and batches of 32, so a step takes milliseconds.
/// </summary>
internal static class TinyCommands
{
    public const int ImageSize = 16;

    public const int Features = 8;

    public const int BatchSize = 32;

    public const int Images = 256;

    public const long Seed = 7;

    public static TrainingSettings Settings(long maxSteps) => new()
    {
        ImageSize = ImageSize,
        Channels = 1,
        GeneratorFeatures = Features,
        DiscriminatorFeatures = Features,
        BatchSize = BatchSize,
        MaxSteps = maxSteps,
        CheckpointEvery = 3,
        SampleEvery = 3,
        Seed = Seed,
    };

    public static TrainModel Train(string jobId, long maxSteps = 6) => new()
    {
        JobId = jobId,
        Dataset = DatasetReference.FashionMnist(Images),
        Settings = Settings(maxSteps),
    };

    public static GenerateImages Generate(string jobId, string trainingJobId, int count = 10) => new()
    {
        JobId = jobId,
        Model = ModelReference.FromTrainingJob(trainingJobId),
        Count = count,
        Seed = 3,
    };
}
