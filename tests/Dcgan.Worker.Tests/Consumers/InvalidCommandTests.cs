using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using Dcgan.Worker.Tests.Infrastructure;
using MassTransit;
using TorchSharp;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>Commands that cannot succeed: rejected once with every problem named, and the worker keeps serving.</summary>
[Collection(TrainingCollection.Name)]
public sealed class InvalidCommandTests : IAsyncLifetime
{
    private readonly TemporaryFolder folder = new();
    private WorkerHarness worker = null!;

    public static TheoryData<string, TrainModel, string> InvalidTrainings => new()
    {
        { "bad job id", TinyCommands.Train("../x"), "JobId: Job id '../x' is invalid" },
        { "image size 48", WithSettings("image-48", new TrainingSettings { ImageSize = 48 }), "Settings.ImageSize 48" },
        { "channels 2", WithSettings("channels-2", new TrainingSettings { Channels = 2 }), "Settings.Channels 2" },
        { "batch size 0", WithSettings("batch-0", new TrainingSettings { BatchSize = 0 }), "Settings.BatchSize 0" },
        {
            "unknown data set",
            TinyCommands.Train("unknown-data") with { Dataset = new DatasetReference { Kind = DatasetKind.BuiltIn, Name = "cifar-10" } },
            "Dataset.Name 'cifar-10' is not a built-in data set"
        },
        {
            "max images 0",
            TinyCommands.Train("max-images-0") with { Dataset = DatasetReference.FashionMnist(0) },
            "Dataset.MaxImages 0 is out of range"
        },
        {
            "url as blob prefix",
            TinyCommands.Train("url-prefix") with
            {
                Dataset = new DatasetReference { Kind = DatasetKind.BlobPrefix, Name = "https://example.com/x/" },
            },
            "Dataset.Name 'https://example.com/x/' is invalid"
        },
    };

    public static TheoryData<string, GenerateImages, string> InvalidGenerations => new()
    {
        { "count 0", TinyCommands.Generate("count-0", "some-model", count: 0), "Count 0 is out of range: use 1 to 10000" },
        { "count too high", TinyCommands.Generate("count-high", "some-model", count: 10_001), "Count 10001 is out of range" },
        {
            "both model fields",
            new GenerateImages
            {
                JobId = "both-models",
                Model = new ModelReference { TrainingJobId = "a", CheckpointPath = "b.ckpt" },
            },
            "Model sets both TrainingJobId 'a' and CheckpointPath 'b.ckpt'"
        },
        { "bad model job id", TinyCommands.Generate("bad-model-id", "../y"), "Model.TrainingJobId: Job id '../y' is invalid" },
        {
            "checkpoint path escapes",
            new GenerateImages { JobId = "escaping-path", Model = new ModelReference { CheckpointPath = "../a.ckpt" } },
            "Model.CheckpointPath '../a.ckpt' is invalid"
        },
    };

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
    [MemberData(nameof(InvalidTrainings))]
    public async Task Train_InvalidIsRejectedOnce(string @case, TrainModel command, string expectedError)
    {
        await worker.SendAsync(command);
        JobFailed failed = await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == command.JobId);

        failed.Kind.ShouldBe(JobKind.Training, @case);
        failed.IsInvalidCommand.ShouldBeTrue(@case);
        failed.Errors.ShouldContain(error => error.Contains(expectedError, StringComparison.Ordinal), @case);
        failed.Reason.ShouldNotBeNullOrWhiteSpace(@case);
        await ShouldBeConsumedOnceAsync<TrainModel>(message => message.JobId == command.JobId);
        worker.PublishedSoFar<JobStarted>(message => message.JobId == command.JobId).ShouldBeEmpty(@case);
    }

    [Theory]
    [MemberData(nameof(InvalidGenerations))]
    public async Task Generate_InvalidIsRejectedOnce(string @case, GenerateImages command, string expectedError)
    {
        await worker.SendAsync(command);
        JobFailed failed = await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == command.JobId);

        failed.Kind.ShouldBe(JobKind.Generation, @case);
        failed.IsInvalidCommand.ShouldBeTrue(@case);
        failed.Errors.ShouldContain(error => error.Contains(expectedError, StringComparison.Ordinal), @case);
        await ShouldBeConsumedOnceAsync<GenerateImages>(message => message.JobId == command.JobId);
    }

    [Fact]
    public async Task Train_ListsEveryProblem()
    {
        TrainModel command = TinyCommands.Train("many-problems") with
        {
            Settings = new TrainingSettings { ImageSize = 48, Channels = 2, BatchSize = 0 },
        };

        await worker.SendAsync(command);
        JobFailed failed = await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == command.JobId);

        failed.Errors.Count.ShouldBe(3);
        failed.Reason.ShouldStartWith("The training command has 3 problems");
    }

    [Fact]
    public async Task Generate_UnknownModelIsRejected()
    {
        GenerateImages command = TinyCommands.Generate("no-model", "never-trained");

        await worker.SendAsync(command);
        JobFailed failed = await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == command.JobId);

        failed.IsInvalidCommand.ShouldBeTrue();
        failed.Reason.ShouldContain("Model not found");
        failed.Reason.ShouldContain("training job 'never-trained'");
        failed.Reason.ShouldContain("jobs/never-trained/checkpoints/final.ckpt");
        await ShouldBeConsumedOnceAsync<GenerateImages>(message => message.JobId == command.JobId);
    }

    [Fact]
    public async Task Train_TooFewImagesForScoresIsRejected()
    {
        TrainModel command = TinyCommands.Train("scores-three-images") with
        {
            Dataset = DatasetReference.FashionMnist(3),
            Settings = TinyCommands.Settings(maxSteps: 2) with { ImageSize = 32, BatchSize = 2, EvaluationImages = 100 },
        };

        await worker.SendAsync(command);
        JobFailed failed = await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == command.JobId);

        failed.IsInvalidCommand.ShouldBeTrue();
        failed.Reason.ShouldContain("The data set has 3 images");
        failed.Reason.ShouldContain("Settings.EvaluationImages 100");
        await ShouldBeConsumedOnceAsync<TrainModel>(message => message.JobId == command.JobId);
    }

    [Fact]
    public async Task Worker_KeepsServingAfterRejection()
    {
        await worker.SendAsync(TinyCommands.Generate("rejected-first", "../z"));
        await worker.WaitForPublishedAsync<JobFailed>(message => message.JobId == "rejected-first");
        WriteUntrainedCheckpoint(worker.LocalPath("models/untrained.ckpt"));

        await worker.SendAsync(new GenerateImages
        {
            JobId = "served-after",
            Model = new ModelReference { CheckpointPath = "models/untrained.ckpt" },
            Count = 2,
        });
        GenerationCompleted completed = await worker.WaitForPublishedAsync<GenerationCompleted>(
            message => message.JobId == "served-after");

        completed.ImageCount.ShouldBe(2);
    }

    private static TrainModel WithSettings(string jobId, TrainingSettings settings) =>
        TinyCommands.Train(jobId) with { Settings = settings };

    private static void WriteUntrainedCheckpoint(string path)
    {
        var config = new TrainingConfig
        {
            Model = new ModelConfig { ImageSize = 16, GeneratorFeatures = 4, DiscriminatorFeatures = 4, LatentSize = 8 },
            SampleCount = 4,
            Device = "cpu",
        };
        using TrainingSession session = TrainingSession.Start(config, torch.CPU);
        CheckpointFile.Save(session, path, last: null);
    }

    /// <summary>
    /// Waits until the consumer has finished with the command, then checks that it was not retried and did not
    /// fault, which would move it to the error queue.
    /// </summary>
    private async Task ShouldBeConsumedOnceAsync<T>(Func<T, bool> match)
        where T : class
    {
        await worker.WaitForConsumedAsync(match);

        // A retry would consume the command again within milliseconds of the first attempt.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        worker.ConsumedSoFar(match).ShouldBe(1);
        worker.PublishedSoFar<Fault<T>>(fault => match(fault.Message)).ShouldBeEmpty();
    }
}
