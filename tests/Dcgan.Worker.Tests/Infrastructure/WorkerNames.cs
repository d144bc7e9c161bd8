namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>Queue and container names private to one test.</summary>
public sealed record WorkerNames(string TrainQueue, string GenerateQueue, string ArtifactContainer, string DatasetContainer)
{
    public static WorkerNames Unique()
    {
        string suffix = Guid.NewGuid().ToString("N")[..12];
        return new WorkerNames($"train-{suffix}", $"generate-{suffix}", $"artifacts-{suffix}", $"datasets-{suffix}");
    }
}
