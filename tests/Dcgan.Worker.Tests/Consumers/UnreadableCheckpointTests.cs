using Dcgan.Contracts;
using Dcgan.Worker.Tests.Infrastructure;
using MassTransit;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>A generation job whose checkpoint cannot be read fails with a reason that names the stored checkpoint.</summary>
[Collection(TrainingCollection.Name)]
public sealed class UnreadableCheckpointTests : IAsyncLifetime
{
    private readonly TemporaryFolder folder = new();
    private WorkerHarness worker = null!;

    public async Task InitializeAsync()
    {
        worker = await WorkerHarness.StartAsync(folder.Path);
    }

    public async Task DisposeAsync()
    {
        await worker.DisposeAsync();
        folder.Dispose();
    }

    [Theory]
    [InlineData("models/truncated.ckpt", "is not a readable checkpoint archive")]
    [InlineData("models/truncated.pth", "is not a readable torch.save archive")]
    [InlineData("models/truncated.safetensors", "is not a valid safetensors file")]
    public async Task Generate_ReasonNamesStoredCheckpoint(string checkpointPath, string expectedError)
    {
        string localPath = worker.LocalPath(checkpointPath);
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        await File.WriteAllTextAsync(localPath, "truncated");
        string jobId = "unreadable-" + Path.GetExtension(checkpointPath).TrimStart('.');
        var command = new GenerateImages
        {
            JobId = jobId,
            Model = new ModelReference { CheckpointPath = checkpointPath },
            Count = 2,
        };

        await worker.SendAsync(command);
        JobFailed failed = await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == jobId);
        await worker.WaitForPublishedAsync<Fault<GenerateImages>>(fault => fault.Message.JobId == jobId);

        failed.Reason.ShouldContain(expectedError);
        failed.Reason.ShouldContain($"'{checkpointPath}'");

        // The worker's downloaded copy has a random name in its work folder and is deleted after the failed load.
        failed.Reason.ShouldNotContain(Path.Combine(folder.Path, "work"));
    }
}
