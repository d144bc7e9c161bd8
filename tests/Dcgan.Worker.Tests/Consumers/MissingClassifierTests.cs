using Dcgan.Contracts;
using Dcgan.Worker.Tests.Infrastructure;
using MassTransit;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>A worker without its scoring classifier fails the jobs that request scores before they start.</summary>
[Collection(TrainingCollection.Name)]
public sealed class MissingClassifierTests : IAsyncLifetime
{
    private readonly TemporaryFolder folder = new();
    private WorkerHarness worker = null!;

    private string ClassifierPath => Path.Combine(folder.Path, "missing", "fashion-classifier.bin");

    public async Task InitializeAsync()
    {
        worker = await WorkerHarness.StartAsync(
            folder.Path,
            new Dictionary<string, string?> { ["Dcgan:Evaluation:ClassifierPath"] = ClassifierPath });
    }

    public async Task DisposeAsync()
    {
        await worker.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task ScoredJob_FailsNamingClassifierSetting()
    {
        TrainModel command = TinyCommands.Train("scored-without-classifier") with
        {
            Settings = TinyCommands.Settings(maxSteps: 6) with { ImageSize = 32, EvaluationImages = 100 },
        };

        await worker.SendAsync(command);
        JobFailed failed = await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == command.JobId);
        await worker.WaitForPublishedAsync<Fault<TrainModel>>(fault => fault.Message.JobId == command.JobId);

        failed.IsInvalidCommand.ShouldBeFalse();
        failed.Reason.ShouldContain("requests scores of 100 images at each checkpoint");
        failed.Reason.ShouldContain($"'{ClassifierPath}'");
        failed.Reason.ShouldContain("Dcgan:Evaluation:ClassifierPath");
        worker.PublishedSoFar<JobStarted>(message => message.JobId == command.JobId).ShouldBeEmpty();
    }

    [Fact]
    public async Task UnscoredJob_TrainsWithoutClassifier()
    {
        TrainModel command = TinyCommands.Train("unscored-without-classifier", maxSteps: 2);

        await worker.SendAsync(command);
        TrainingCompleted completed = await worker.WaitForPublishedAsync<TrainingCompleted>(
            message => message.JobId == command.JobId);

        completed.Steps.ShouldBe(2);
        completed.BestScore.ShouldBeNull();
        completed.BestCheckpoint.ShouldBeNull();
    }
}
