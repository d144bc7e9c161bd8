using System.Diagnostics;
using Azure.Storage.Blobs;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// RabbitMQ stops for 15 s while a worker process is connected and starts again on the same port and data folder,
/// so durable queues and persistent commands survive. The worker must reconnect on its own and keep consuming.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class BrokerRestartTests(BrokerAndStorageFixture servers, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(5);

    private readonly string downloads = Directory.CreateTempSubdirectory("dcgan-restart-downloads-").FullName;

    public void Dispose() => Directory.Delete(downloads, recursive: true);

    [Fact]
    public async Task IdleWorker_BrokerRestarted_ConsumesNextJob()
    {
        WorkerNames names = WorkerNames.Unique();
        string before = "restart-before-" + Guid.NewGuid().ToString("N");
        string after = "restart-after-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names, survivesBrokerRestart: true);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        await client.SendAsync(TinyCommands.Train(before));
        await client.WaitForAsync<TrainingCompleted>(before, e => e.JobId == before, JobTimeout);

        long restartedTimestamp =
            await OutageSteps.RunOutageAsync(servers.RabbitMq.StopAsync, Outage, servers.RabbitMq.RestartAsync);
        await client.SendAsync(TinyCommands.Train(after));
        TrainingCompleted completed = await client.WaitForAsync<TrainingCompleted>(after, e => e.JobId == after, JobTimeout);
        TimeSpan afterRestart = Stopwatch.GetElapsedTime(restartedTimestamp, client.ReceivedTimestamp(completed));

        output.WriteLine($"A job sent after the restart completed {afterRestart.TotalSeconds:F1} s after RabbitMQ was running again.");
        worker.HasExited.ShouldBeFalse(worker.Output);
        completed.IsReplay.ShouldBeFalse();
        string[] workers = [.. client.All<JobStarted>().Select(e => e.WorkerId).Distinct()];
        workers.Length.ShouldBe(1, "the jobs before and after the restart ran on different workers");
        workers[0].ShouldEndWith("-" + worker.ProcessId);
    }

    [SlowFact]
    public async Task TrainingJob_BrokerRestarted_CompletesOnce()
    {
        WorkerNames names = WorkerNames.Unique();
        BlobContainerClient container = ArtifactBlobs.Container(servers.Azurite, names);
        string job = "restart-train-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names, survivesBrokerRestart: true);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        await OutageSteps.StartTrainingAsync(client, container, job, JobTimeout);
        long stepAtStop = client.All<TrainingProgressed>().Where(e => e.JobId == job).Max(e => e.Step);

        long restartedTimestamp =
            await OutageSteps.RunOutageAsync(servers.RabbitMq.StopAsync, Outage, servers.RabbitMq.RestartAsync);
        TrainingCompleted completed = await client.WaitForAsync<TrainingCompleted>(
            job,
            e => e.JobId == job && !e.IsReplay,
            JobTimeout);
        TimeSpan afterRestart = Stopwatch.GetElapsedTime(restartedTimestamp, client.ReceivedTimestamp(completed));
        await Task.Delay(SettleDelay);

        List<JobStarted> starts = [.. client.All<JobStarted>().Where(e => e.JobId == job)];
        List<TrainingCompleted> completions = [.. client.All<TrainingCompleted>().Where(e => e.JobId == job)];
        output.WriteLine(
            $"RabbitMQ stopped after progress at step {stepAtStop}; the job completed {afterRestart.TotalSeconds:F1} s " +
            $"after RabbitMQ was running again. Start steps: {string.Join(", ", starts.Select(e => e.StartStep))}; " +
            $"completions: {completions.Count(e => !e.IsReplay)}, replays: {completions.Count(e => e.IsReplay)}.");
        worker.HasExited.ShouldBeFalse(worker.Output);
        completed.Steps.ShouldBe(OutageSteps.TrainingSteps);
        completions.Count(e => !e.IsReplay).ShouldBe(1, worker.Output);
        client.All<JobFailed>().ShouldBeEmpty(worker.Output);
        starts.ShouldAllBe(e => e.WorkerId.EndsWith("-" + worker.ProcessId), worker.Output);
        await ArtifactBlobs.AssertManifestMatchesBlobsAsync(container, completed.Manifest.Path, downloads);
    }
}
