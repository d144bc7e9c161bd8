using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Every kind of invalid command, sent through real RabbitMQ to a worker process with real Azurite: each must end in
/// exactly one JobFailed with the delivery acknowledged, and the same process must then run a valid job.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class InvalidCommandOnRabbitMqTests(BrokerAndStorageFixture servers, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task EveryInvalidCommand_FailsOnceWithoutRetry()
    {
        WorkerNames names = WorkerNames.Unique();
        string suffix = Guid.NewGuid().ToString("N")[..12];
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using RawAmqpClient broker = await RawAmqpClient.ConnectAsync(servers.RabbitMq);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        int processId = worker.ProcessId;

        List<InvalidCase> cases = [.. InvalidTrainings(suffix), .. InvalidGenerations(suffix)];
        foreach (InvalidCase invalid in cases)
        {
            await invalid.SendAsync(client);
        }

        // The valid job is queued behind every invalid training command, so it completes after all of them.
        string validJob = $"valid-{suffix}";
        await client.SendAsync(TinyCommands.Train(validJob, maxSteps: 4));
        await client.WaitForAsync<TrainingCompleted>(validJob, e => e.JobId == validJob, JobTimeout);
        foreach (InvalidCase invalid in cases)
        {
            await client.WaitForAsync<JobFailed>(invalid.JobId, e => e.JobId == invalid.JobId, JobTimeout);
        }

        // A retry or redelivery would publish a second JobFailed within this delay.
        await Task.Delay(SettleDelay);
        foreach (InvalidCase invalid in cases)
        {
            List<JobFailed> failures = [.. client.All<JobFailed>().Where(e => e.JobId == invalid.JobId)];
            output.WriteLine($"{invalid.Name}: {string.Join(" | ", failures.SelectMany(f => f.Errors))}");
            failures.Count.ShouldBe(1, invalid.Name);
            JobFailed failed = failures[0];
            failed.IsInvalidCommand.ShouldBeTrue($"{invalid.Name}: {failed.Reason}");
            failed.Kind.ShouldBe(invalid.Kind, invalid.Name);
            failed.Errors.ShouldContain(error => error.Contains(invalid.ExpectedError, StringComparison.Ordinal), invalid.Name);
            client.All<JobStarted>().Count(e => e.JobId == invalid.JobId).ShouldBe(invalid.Starts ? 1 : 0, invalid.Name);
        }

        (await broker.MessageCountAsync(names.TrainQueue + "_error")).ShouldBe(0u, worker.Output);
        (await broker.MessageCountAsync(names.GenerateQueue + "_error")).ShouldBe(0u, worker.Output);
        worker.HasExited.ShouldBeFalse();
        worker.ProcessId.ShouldBe(processId);
    }

    /// <summary>
    /// Training commands with one problem each. The job id is the correlation key, so cases with an invalid id
    /// still carry the unique suffix.
    /// </summary>
    private static IEnumerable<InvalidCase> InvalidTrainings(string suffix)
    {
        InvalidCase Case(string name, Func<string, TrainModel> command, string expectedError, bool starts = false)
        {
            string jobId = $"{name.Replace(' ', '-')}-{suffix}";
            return new InvalidCase(name, JobKind.Training, jobId, expectedError, starts, c => c.SendAsync(command(jobId)));
        }

        TrainModel Valid(string jobId) => TinyCommands.Train(jobId, maxSteps: 4);

        TrainModel WithSettings(string jobId, TrainingSettings settings) => Valid(jobId) with { Settings = settings };

        TrainingSettings tiny = TinyCommands.Settings(maxSteps: 4);

        TrainModel WithDataset(string jobId, DatasetKind kind, string name) =>
            Valid(jobId) with { Dataset = new DatasetReference { Kind = kind, Name = name } };

        string huge = new('j', 100 * 1024);
        yield return new InvalidCase(
            "job id with dots",
            JobKind.Training,
            $"../{suffix}",
            $"JobId: Job id '../{suffix}' is invalid",
            false,
            c => c.SendAsync(Valid($"../{suffix}")));
        yield return new InvalidCase(
            "job id of 100 KB",
            JobKind.Training,
            (suffix + huge)[..256],
            "The command message has",
            false,
            c => c.SendAsync(Valid(suffix + huge)));
        yield return Case("image size", id => WithSettings(id, tiny with { ImageSize = 48 }), "Settings.ImageSize 48 is not supported");
        yield return Case("channels", id => WithSettings(id, tiny with { Channels = 2 }), "Settings.Channels 2 is not supported");
        yield return Case("latent size", id => WithSettings(id, tiny with { LatentSize = int.MaxValue }), $"Settings.LatentSize {int.MaxValue} is out of range");
        yield return Case("features", id => WithSettings(id, tiny with { GeneratorFeatures = 0 }), "Settings.GeneratorFeatures 0 is out of range");
        yield return Case("batch size", id => WithSettings(id, tiny with { BatchSize = 1 }), "Settings.BatchSize 1 is out of range: use 2 to 4096.");
        yield return Case("epochs", id => WithSettings(id, tiny with { MaxSteps = null, Epochs = 0 }), "Settings.Epochs 0 is out of range");
        yield return Case("max steps", id => WithSettings(id, tiny with { MaxSteps = long.MinValue }), $"Settings.MaxSteps {long.MinValue} is out of range");
        yield return Case("learning rate", id => WithSettings(id, tiny with { LearningRate = double.MaxValue }), "Settings.LearningRate 1.7976931348623157E+308 is out of range");
        yield return Case("beta2", id => WithSettings(id, tiny with { Beta2 = 1 }), "Settings.Beta2 1 is out of range");
        yield return Case("checkpoint interval", id => WithSettings(id, tiny with { CheckpointEvery = 0 }), "Settings.CheckpointEvery 0 is out of range");
        yield return Case("sample interval", id => WithSettings(id, tiny with { SampleEvery = int.MinValue }), $"Settings.SampleEvery {int.MinValue} is out of range");
        yield return Case("dataset null", id => Valid(id) with { Dataset = null! }, "Dataset is missing");
        yield return Case("dataset kind", id => WithDataset(id, (DatasetKind)99, "x/"), "Dataset.Kind 99 is not supported");
        yield return Case("built-in unknown", id => WithDataset(id, DatasetKind.BuiltIn, "cifar-10"), "Dataset.Name 'cifar-10' is not a built-in data set");
        yield return Case("prefix escapes", id => WithDataset(id, DatasetKind.BlobPrefix, "../x/"), "Dataset.Name '../x/' is invalid because it contains a '..' segment");
        yield return Case("prefix url", id => WithDataset(id, DatasetKind.BlobPrefix, "http://127.0.0.1/x/"), "is invalid because it starts with a scheme");
        yield return Case("zip folder", id => WithDataset(id, DatasetKind.ZipBlob, "sketches/"), "Dataset.Name 'sketches/' is invalid for a ZipBlob data set");
        yield return Case("max images", id => Valid(id) with { Dataset = DatasetReference.FashionMnist(0) }, "Dataset.MaxImages 0 is out of range");
        yield return Case("missing prefix", id => WithDataset(id, DatasetKind.BlobPrefix, $"missing-{suffix}/"), $"Dataset.Name 'missing-{suffix}/'", starts: true);
        yield return Case("missing zip", id => WithDataset(id, DatasetKind.ZipBlob, $"missing-{suffix}.zip"), $"Zip blob 'missing-{suffix}.zip'", starts: true);
    }

    private static IEnumerable<InvalidCase> InvalidGenerations(string suffix)
    {
        InvalidCase Case(string name, Func<string, GenerateImages> command, string expectedError, bool starts = false)
        {
            string jobId = $"{name.Replace(' ', '-')}-{suffix}";
            return new InvalidCase(name, JobKind.Generation, jobId, expectedError, starts, c => c.SendAsync(command(jobId)));
        }

        GenerateImages Valid(string jobId) => new()
        {
            JobId = jobId,
            Model = ModelReference.FromTrainingJob($"never-trained-{suffix}"),
            Count = 4,
        };

        GenerateImages WithModel(string jobId, ModelReference? model) => Valid(jobId) with { Model = model! };

        yield return Case("count 0", id => Valid(id) with { Count = 0 }, "Count 0 is out of range: use 1 to 10000.");
        yield return Case("count int max", id => Valid(id) with { Count = int.MaxValue }, $"Count {int.MaxValue} is out of range");
        yield return Case("model null", id => WithModel(id, null), "Model is missing");
        yield return Case("model empty", id => WithModel(id, new ModelReference()), "Model sets neither TrainingJobId nor CheckpointPath");
        yield return Case("model both", id => WithModel(id, new ModelReference { TrainingJobId = "a", CheckpointPath = "b.ckpt" }), "Model sets both");
        yield return Case("model job id", id => WithModel(id, ModelReference.FromTrainingJob("a b")), "Model.TrainingJobId: Job id 'a b' is invalid");
        yield return Case("checkpoint escapes", id => WithModel(id, new ModelReference { CheckpointPath = "../a.ckpt" }), "Model.CheckpointPath '../a.ckpt' is invalid");
        yield return Case("checkpoint backslash", id => WithModel(id, new ModelReference { CheckpointPath = @"a\b.ckpt" }), "it contains a backslash");
        yield return Case("checkpoint extension", id => WithModel(id, new ModelReference { CheckpointPath = "models/g.onnx" }), "is not a checkpoint");
        yield return Case("missing trained model", Valid, $"training job 'never-trained-{suffix}' not found", starts: true);
        yield return Case(
            "missing checkpoint",
            id => WithModel(id, new ModelReference { CheckpointPath = $"models/missing-{suffix}.ckpt" }),
            $"checkpoint 'models/missing-{suffix}.ckpt' not found",
            starts: true);
    }

    /// <param name="Starts">True when the command is valid as sent and fails only once the worker looks for its data.</param>
    private sealed record InvalidCase(
        string Name,
        JobKind Kind,
        string JobId,
        string ExpectedError,
        bool Starts,
        Func<EventCollector, Task> SendAsync);
}
