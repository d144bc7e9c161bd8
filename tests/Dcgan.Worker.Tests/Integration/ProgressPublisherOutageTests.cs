using System.Diagnostics;
using Dcgan.Contracts;
using Dcgan.Engine.Training;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Progress published through a real MassTransit bus while RabbitMQ is stopped. In the worker, the job's consume
/// context is cancelled when its channel closes, so this uses a bus that stays up, as a publish would see a broker
/// that fails between two steps.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class ProgressPublisherOutageTests(BrokerAndStorageFixture servers, ITestOutputHelper output)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(500);

    // Report runs on the training thread, so it must return at once whatever the broker does.
    private static readonly TimeSpan MaxReportTime = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task BrokerDown_ProgressResumesWithoutBlocking()
    {
        WorkerNames names = WorkerNames.Unique();
        string job = "progress-outage-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names, survivesBrokerRestart: true);
        TestLogger<ProgressPublisher> logger = new();
        ProgressPublisher progress = new(job, client.Publisher, TimeSpan.Zero, TimeProvider.System, logger, CancellationToken.None);
        progress.Report(Progress(1));
        await client.WaitForAsync<TrainingProgressed>(job, e => e.JobId == job && e.Step == 1, EventTimeout);

        long step = 1;
        TimeSpan slowestReport = TimeSpan.Zero;
        await servers.RabbitMq.StopAsync();
        try
        {
            Stopwatch outage = Stopwatch.StartNew();
            while (outage.Elapsed < Outage)
            {
                slowestReport = TimeSpan.FromTicks(Math.Max(slowestReport.Ticks, TimeReport(progress, ++step).Ticks));
                await Task.Delay(ReportInterval);
            }
        }
        finally
        {
            await servers.RabbitMq.RestartAsync();
        }

        long lastStepOfOutage = step;
        Stopwatch sinceRestart = Stopwatch.StartNew();
        while (!client.All<TrainingProgressed>().Any(e => e.JobId == job && e.Step > lastStepOfOutage) && sinceRestart.Elapsed < EventTimeout)
        {
            slowestReport = TimeSpan.FromTicks(Math.Max(slowestReport.Ticks, TimeReport(progress, ++step).Ticks));
            await Task.Delay(ReportInterval);
        }

        TimeSpan resumedAfter = sinceRestart.Elapsed;
        await progress.CompleteAsync().WaitAsync(EventTimeout);
        output.WriteLine(
            $"Steps 2 to {lastStepOfOutage} were reported while RabbitMQ was down; a newer step arrived " +
            $"{resumedAfter.TotalSeconds:F1} s after the restart. Steps received, in order: " +
            $"{string.Join(", ", client.All<TrainingProgressed>().Select(e => e.Step))}. Slowest Report call: " +
            $"{slowestReport.TotalMilliseconds:F1} ms.");
        slowestReport.ShouldBeLessThan(MaxReportTime);
        client.All<TrainingProgressed>().ShouldContain(e => e.JobId == job && e.Step > lastStepOfOutage, "no progress arrived after the restart");
    }

    private static TimeSpan TimeReport(ProgressPublisher progress, long step)
    {
        long start = Stopwatch.GetTimestamp();
        progress.Report(Progress(step));
        return Stopwatch.GetElapsedTime(start);
    }

    private static TrainingProgress Progress(long step) =>
        new(step, 1000, 0, 1, 0.7f, 0.7f, 0.5f, 0.5f, 100, TimeSpan.FromSeconds(step), TimeSpan.FromSeconds(1000 - step));
}
