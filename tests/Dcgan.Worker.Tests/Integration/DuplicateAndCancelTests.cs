using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Commands sent more than once and jobs cancelled while queued, running or finished, on real RabbitMQ and Azurite
/// with the worker as its own process. A job id runs once; a cancelled job stops within seconds and never runs again.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class DuplicateAndCancelTests(BrokerAndStorageFixture servers, ITestOutputHelper output)
{
    private const string DroppedLine = "this delivery of its command is dropped";

    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task TrainingSentTwice_RunsOnce()
    {
        var testClock = Stopwatch.StartNew();
        WorkerNames names = WorkerNames.Unique();
        string job = "twice-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess first = await StartReadyWorkerAsync(names);
        await using WorkerProcess second = await StartReadyWorkerAsync(names);

        // The job trains until it is cancelled, so the copy always meets a live lock, whatever the machine's speed.
        TrainModel command = Training(job, maxSteps: 1_000_000);
        await client.SendAsync(command);
        await client.SendAsync(command);
        await WaitUntilAsync(() => Count(first.Output + second.Output, DroppedLine) > 0, JobTimeout);
        TimeSpan droppedAfter = testClock.Elapsed;
        await client.WaitForAsync<TrainingProgressed>(job, e => e.JobId == job && e.Step > 0, JobTimeout);
        await client.PublishAsync(new CancelJob { JobId = job, Reason = "end of test" });
        await client.WaitForAsync<JobCancelled>(job, e => e.JobId == job, CancelTimeout);
        await Task.Delay(SettleDelay);

        string outputs = first.Output + second.Output;
        output.WriteLine($"Copy dropped {droppedAfter.TotalSeconds:F1} s after the workers were ready");
        client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, outputs);
        Count(outputs, DroppedLine).ShouldBe(1, outputs);
        Count(outputs, "runs on another worker").ShouldBe(1, outputs);
        client.All<JobCancelled>().Count(e => e.JobId == job).ShouldBe(1, outputs);
    }

    [Fact]
    public async Task FinishedTrainingSentAgain_Replays()
    {
        WorkerNames names = WorkerNames.Unique();
        string job = "again-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);

        TrainModel command = Training(job, maxSteps: 50);
        await client.SendAsync(command);
        TrainingCompleted original = await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job, JobTimeout);
        await client.SendAsync(command);
        TrainingCompleted replay = await client.WaitForAsync<TrainingCompleted>(
            job,
            e => e.JobId == job && e.IsReplay,
            JobTimeout);

        original.IsReplay.ShouldBeFalse();
        replay.Manifest.ShouldBe(original.Manifest);
        replay.Checkpoint.ShouldBe(original.Checkpoint);
        replay.Steps.ShouldBe(original.Steps);
        client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, "the finished job was trained again");
    }

    [Fact]
    public async Task GenerationSentFiveTimes_RunsOnce()
    {
        const int Copies = 5;
        WorkerNames names = WorkerNames.Unique();
        string model = "model-" + Guid.NewGuid().ToString("N");
        string job = "gen-five-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess first = await StartReadyWorkerAsync(names);
        await using WorkerProcess second = await StartReadyWorkerAsync(names);
        await client.SendAsync(Training(model, maxSteps: 50));
        await client.WaitForAsync<TrainingCompleted>(model, e => e.JobId == model, JobTimeout);

        var command = new GenerateImages { JobId = job, Model = new ModelReference { TrainingJobId = model }, Count = 2000 };
        for (int copy = 0; copy < Copies; copy++)
        {
            await client.SendAsync(command);
        }

        // Each copy ends one way: it runs, it is dropped while another copy runs, or it replays the stored result.
        int Ended() =>
            client.All<GenerationCompleted>().Count(e => e.JobId == job) + Count(first.Output + second.Output, DroppedLine);
        await WaitUntilAsync(() => Ended() >= Copies, JobTimeout);
        await Task.Delay(SettleDelay);

        string outputs = first.Output + second.Output;
        output.WriteLine(
            $"Generation copies: {client.All<GenerationCompleted>().Count(e => e.JobId == job && e.IsReplay)} replayed, " +
            $"{Count(outputs, DroppedLine)} dropped");
        Ended().ShouldBe(Copies, outputs);
        client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, outputs);
        client.All<GenerationCompleted>().Count(e => e.JobId == job && !e.IsReplay).ShouldBe(1, outputs);
    }

    [Fact]
    public async Task RunningTrainingCancelled_StopsAndStaysStopped()
    {
        const string Reason = "design review moved to next week";
        WorkerNames names = WorkerNames.Unique();
        string job = "cancel-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);

        TrainModel command = Training(job, maxSteps: 1_000_000);
        await client.SendAsync(command);
        TrainingProgressed progress = await client.WaitForAsync<TrainingProgressed>(
            job,
            e => e.JobId == job && e.Step >= 200,
            JobTimeout);
        var cancelClock = Stopwatch.StartNew();
        await client.PublishAsync(new CancelJob { JobId = job, Reason = Reason });
        JobCancelled cancelled = await client.WaitForAsync<JobCancelled>(job, e => e.JobId == job, CancelTimeout);
        TimeSpan stopTime = cancelClock.Elapsed;
        await Task.Delay(SettleDelay);

        output.WriteLine($"Cancelled at step {cancelled.StoppedAtStep} {stopTime.TotalSeconds:F2} s after the cancel was published");
        cancelled.Reason.ShouldBe(Reason);
        cancelled.Kind.ShouldBe(JobKind.Training);
        cancelled.StoppedAtStep.ShouldBeGreaterThanOrEqualTo(progress.Step);
        cancelled.StoppedAtStep.ShouldBeLessThan(1_000_000);
        client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, "the cancelled command returned to the queue");
        client.All<TrainingCompleted>().ShouldNotContain(e => e.JobId == job);
        client.All<JobFailed>().ShouldNotContain(e => e.JobId == job);

        await client.SendAsync(command);
        await WaitUntilAsync(() => client.All<JobCancelled>().Count(e => e.JobId == job) == 2, JobTimeout);
        JobCancelled again = client.All<JobCancelled>().Last(e => e.JobId == job);
        again.Reason.ShouldBe(Reason);
        again.StoppedAtStep.ShouldBe(0);
        client.All<JobStarted>().Count(e => e.JobId == job).ShouldBe(1, "the cancelled job started again");
    }

    [Fact]
    public async Task QueuedGenerationCancelled_NeverStarts()
    {
        WorkerNames names = WorkerNames.Unique();
        string model = "model-" + Guid.NewGuid().ToString("N");
        string job = "gen-cancel-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = await StartReadyWorkerAsync(names);
        await client.SendAsync(Training(model, maxSteps: 50));
        await client.WaitForAsync<TrainingCompleted>(model, e => e.JobId == model, JobTimeout);

        await client.PublishAsync(new CancelJob { JobId = job, Reason = "not needed" });
        await WaitForCancellationRecordAsync(names, job);
        await client.SendAsync(new GenerateImages { JobId = job, Model = new ModelReference { TrainingJobId = model }, Count = 4 });
        JobCancelled cancelled = await client.WaitForAsync<JobCancelled>(job, e => e.JobId == job, JobTimeout);
        await Task.Delay(SettleDelay);

        cancelled.Kind.ShouldBe(JobKind.Generation);
        cancelled.Reason.ShouldBe("not needed");
        client.All<JobStarted>().ShouldNotContain(e => e.JobId == job);
        client.All<GenerationCompleted>().ShouldNotContain(e => e.JobId == job);
    }

    [Fact]
    public async Task FinishedTrainingCancelled_KeepsResult()
    {
        WorkerNames names = WorkerNames.Unique();
        string job = "done-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        TrainModel command = Training(job, maxSteps: 50);
        await client.SendAsync(command);
        await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job, JobTimeout);

        await client.PublishAsync(new CancelJob { JobId = job, Reason = "too late" });
        await worker.WaitForOutputAsync($"Cancel command for job {job} ignored because the job has finished", ReadyTimeout);
        await client.SendAsync(command);
        await client.WaitForAsync<TrainingCompleted>(job, e => e.JobId == job && e.IsReplay, JobTimeout);

        client.All<JobCancelled>().ShouldNotContain(e => e.JobId == job);
    }

    private async Task<WorkerProcess> StartReadyWorkerAsync(WorkerNames names)
    {
        WorkerProcess worker = WorkerProcess.Start(servers, names);
        await worker.WaitForOutputAsync("Bus started", ReadyTimeout);
        return worker;
    }

    // A job that runs on no worker leaves no log line when cancelled, so wait for its stored cancellation record.
    private async Task WaitForCancellationRecordAsync(WorkerNames names, string job)
    {
        BlobClient record = ArtifactBlobs.Container(servers.Azurite, names).GetBlobClient($"cancellations/{job}.json");
        DateTime deadline = DateTime.UtcNow + JobTimeout;
        while (!(await record.ExistsAsync()).Value)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No cancellation record of job {job} was stored within {JobTimeout.TotalSeconds} s.");
            }

            await Task.Delay(PollInterval);
        }
    }

    private static int Count(string text, string line) => Regex.Count(text, Regex.Escape(line));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The condition did not hold within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(PollInterval);
        }
    }

    private static TrainModel Training(string job, long maxSteps) => new()
    {
        JobId = job,
        Dataset = DatasetReference.FashionMnist(maxImages: 256),
        Settings = new TrainingSettings
        {
            ImageSize = 16,
            Channels = 1,
            GeneratorFeatures = 8,
            DiscriminatorFeatures = 8,
            BatchSize = 16,
            MaxSteps = maxSteps,
            CheckpointEvery = 100_000,
            SampleEvery = 100_000,
        },
    };
}
