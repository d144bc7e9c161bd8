using System.Diagnostics;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Thousands of random and hostile payloads from <see cref="HostilePayloads"/>, published raw to both command queues
/// of one worker process on real RabbitMQ and Azurite. Each payload must end in exactly one outcome (a JobFailed, or
/// a message in an _error or _skipped queue), and the same process must then run valid jobs.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class FuzzTests(BrokerAndStorageFixture servers, ITestOutputHelper output)
{
    private const int Seed = 20_260_101;
    private const int PayloadCount = 2400;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan OutcomeTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task HostilePayloads_EachEndOnce_WorkerStaysUp()
    {
        WorkerNames names = WorkerNames.Unique();
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using RawAmqpClient broker = await RawAmqpClient.ConnectAsync(servers.RabbitMq);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        int processId = worker.ProcessId;
        await broker.WaitForConsumerAsync(names.TrainQueue, StartTimeout);
        await broker.WaitForConsumerAsync(names.GenerateQueue, StartTimeout);

        var clock = Stopwatch.StartNew();
        var generator = new HostilePayloads(Seed, names);
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long totalBytes = 0;
        for (int i = 0; i < PayloadCount; i++)
        {
            HostilePayloads.Payload payload = generator.Next();
            await broker.PublishAsync(payload.Queue, payload.Body, payload.ContentType);
            kinds[payload.Kind] = kinds.GetValueOrDefault(payload.Kind) + 1;
            totalBytes += payload.Body.Length;
        }

        TimeSpan published = clock.Elapsed;
        Outcomes outcomes = await WaitForOutcomesAsync(client, broker, names);
        TimeSpan handled = clock.Elapsed;

        // A redelivered or retried payload would add an outcome within this delay.
        await Task.Delay(SettleDelay);
        outcomes = await CountOutcomesAsync(client, broker, names);
        output.WriteLine(
            $"Seed {Seed}: {PayloadCount} payloads ({string.Join(", ", kinds.Select(pair => $"{pair.Value} {pair.Key}"))}), " +
            $"{totalBytes} bytes, published in {published.TotalSeconds:F1} s, all handled after {handled.TotalSeconds:F1} s.");
        output.WriteLine($"Outcomes: {outcomes}");

        worker.HasExited.ShouldBeFalse(worker.Output);
        worker.ProcessId.ShouldBe(processId);
        outcomes.Total.ShouldBe(PayloadCount, $"{outcomes}\n{Tail(worker.Output)}");
        client.All<JobFailed>().Where(e => !e.IsInvalidCommand).Select(e => e.Reason).ShouldBeEmpty();

        // A consumer that faults, or an event that cannot be published, means a payload got past the checks.
        worker.Output.ShouldNotContain("goes to the error queue", Case.Sensitive, Tail(worker.Output));
        worker.Output.ShouldNotContain("S-FAULT", Case.Sensitive, Tail(worker.Output));
        client.All<TrainingCompleted>().ShouldBeEmpty();
        client.All<GenerationCompleted>().ShouldBeEmpty();
        (await broker.MessageCountAsync(names.TrainQueue)).ShouldBe(0u);
        (await broker.MessageCountAsync(names.GenerateQueue)).ShouldBe(0u);

        string trainJob = "after-fuzz-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(TinyCommands.Train(trainJob, maxSteps: 2));
        await client.WaitForAsync<TrainingCompleted>(trainJob, e => e.JobId == trainJob, JobTimeout);
        string generateJob = trainJob + "-images";
        await client.SendAsync(TinyCommands.Generate(generateJob, trainJob, count: 4));
        GenerationCompleted generated = await client.WaitForAsync<GenerationCompleted>(generateJob, e => e.JobId == generateJob, JobTimeout);
        generated.ImageCount.ShouldBe(4);
        worker.ProcessId.ShouldBe(processId);
        worker.HasExited.ShouldBeFalse();
    }

    private static async Task<Outcomes> WaitForOutcomesAsync(EventCollector client, RawAmqpClient broker, WorkerNames names)
    {
        DateTime deadline = DateTime.UtcNow + OutcomeTimeout;
        Outcomes outcomes = await CountOutcomesAsync(client, broker, names);
        while (outcomes.Total < PayloadCount && DateTime.UtcNow < deadline)
        {
            await Task.Delay(PollInterval);
            outcomes = await CountOutcomesAsync(client, broker, names);
        }

        return outcomes;
    }

    private static async Task<Outcomes> CountOutcomesAsync(EventCollector client, RawAmqpClient broker, WorkerNames names) => new(
        client.All<JobFailed>().Count(e => e.Kind == JobKind.Training),
        client.All<JobFailed>().Count(e => e.Kind == JobKind.Generation),
        client.All<JobStarted>().Count,
        await broker.MessageCountAsync(names.TrainQueue + "_error"),
        await broker.MessageCountAsync(names.GenerateQueue + "_error"),
        await broker.MessageCountAsync(names.TrainQueue + "_skipped"),
        await broker.MessageCountAsync(names.GenerateQueue + "_skipped"));

    private static string Tail(string text) => text.Length > 20_000 ? text[^20_000..] : text;

    /// <summary>Counts of what the payloads led to. JobStarted is not an outcome: a started job still fails.</summary>
    private sealed record Outcomes(
        int TrainingFailed,
        int GenerationFailed,
        int Started,
        uint TrainErrors,
        uint GenerateErrors,
        uint TrainSkipped,
        uint GenerateSkipped)
    {
        public long Total => TrainingFailed + GenerationFailed + TrainErrors + GenerateErrors + TrainSkipped + GenerateSkipped;
    }
}
