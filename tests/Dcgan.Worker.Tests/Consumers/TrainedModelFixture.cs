using Dcgan.Contracts;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>
/// One worker shared by the training collection, and one tiny model trained on it at the start, so the tests that
/// need a trained model do not each train one.
/// </summary>
public sealed class TrainedModelFixture : IAsyncLifetime
{
    public const string JobId = "fixture-train";

    private readonly TemporaryFolder folder = new();

    internal WorkerHarness Worker { get; private set; } = null!;

    public JobStarted Started { get; private set; } = null!;

    public TrainingCompleted Completed { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Worker = await WorkerHarness.StartAsync(folder.Path);
        await Worker.SendAsync(TinyCommands.Train(JobId));
        Completed = await Worker.WaitForPublishedAsync<TrainingCompleted>(message => message.JobId == JobId);
        Started = await Worker.WaitForPublishedAsync<JobStarted>(message => message.JobId == JobId);
    }

    public async Task DisposeAsync()
    {
        await Worker.DisposeAsync();
        folder.Dispose();
    }
}
