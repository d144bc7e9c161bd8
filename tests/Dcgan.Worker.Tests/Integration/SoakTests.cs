using System.Diagnostics;
using System.Globalization;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Long runs of a worker process that check its resident memory (VmRSS) and its job latency for drift. Each run is
/// bounded in time as well as in work, so both tests together take at most about 13 minutes.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class SoakTests(BrokerAndStorageFixture servers, ITestOutputHelper output)
{
    // The first fifth of a run, by steps or by jobs, loads the libraries and fills the allocators' caches.
    private const double WarmUpFraction = 0.2;

    // After warm-up, RSS still moves with the .NET GC resizing its heaps and with the allocator caches of libtorch
    // and glibc. On the shared 2-core VM it grew by 2 to 31 MB from about 300 MB (measured), and the in-memory
    // loss history adds an estimated 60 bytes a step. The limit is 5% or 50 MB, whichever is larger. A leaked
    // 16-image batch of 16 × 16 floats, 16 KiB a step, would add 160 MB over 10,000 steps. A leak of one job's
    // 16 small PNGs adds only about 2 MB over 600 jobs, so the generation test checks latency as well.
    private const double RssGrowthFraction = 0.05;
    private const long RssGrowthBytes = 50L * 1024 * 1024;

    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    // RSS at a point of a run is the median of the samples in the window that ends there, so one sample taken
    // during a garbage collection or a checkpoint write does not decide the result.
    private static readonly TimeSpan RssWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    [SlowFact]
    public async Task LongTraining_KeepsMemoryFlat()
    {
        // The shared 2-core VM trained this model at 72 to 207 steps/s (measured), so the run ends after 4 to 8
        // minutes or at the time limit. A stopped run is measured up to the time limit.
        const long MaxSteps = 50_000;
        const long MinimumSteps = 3_000;
        TimeSpan timeLimit = TimeSpan.FromMinutes(9);
        WorkerNames names = WorkerNames.Unique();
        string job = "soak-train-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        ResidentMemorySampler sampler = new(worker.ProcessId, SampleInterval);
        await using (sampler)
        {
            await client.SendAsync(new TrainModel
            {
                JobId = job,
                Dataset = DatasetReference.FashionMnist(maxImages: 1024),
                Settings = new TrainingSettings
                {
                    ImageSize = 16,
                    Channels = 1,
                    LatentSize = 16,
                    GeneratorFeatures = 8,
                    DiscriminatorFeatures = 8,
                    BatchSize = 16,
                    MaxSteps = MaxSteps,
                    CheckpointEvery = 1000,
                    SampleEvery = 2000,
                    Seed = 5,
                },
            });
            TrainingCompleted? completed = await WaitUntilCompletedOrAsync<TrainingCompleted>(client, job, timeLimit);
            long end = completed is null ? Stopwatch.GetTimestamp() : client.ReceivedTimestamp(completed);
            await sampler.DisposeAsync();

            List<TrainingProgressed> progress = [.. client.All<TrainingProgressed>().Where(e => e.JobId == job)];
            long lastStep = completed?.Steps ?? progress.Max(e => e.Step);
            TrainingProgressed warmUpEnd = progress.First(e => e.Step >= lastStep * WarmUpFraction);
            long warmUp = client.ReceivedTimestamp(warmUpEnd);
            TimeSpan duration = Stopwatch.GetElapsedTime(client.ReceivedTimestamp(progress[0]), end);
            output.WriteLine(
                $"Training: {lastStep} of {MaxSteps} steps in {duration.TotalSeconds:F0} s " +
                $"({lastStep / duration.TotalSeconds:F0} steps/s), {(completed is null ? "stopped at the time limit" : "completed")}; " +
                $"warm-up ended at step {warmUpEnd.Step}.");
            RssGrowth growth = DescribeRss(sampler.Samples, warmUp, end);

            client.All<JobFailed>().ShouldBeEmpty(worker.Output);
            lastStep.ShouldBeGreaterThanOrEqualTo(MinimumSteps, "the run was too short to tell warm-up from a leak");
            growth.Bytes.ShouldBeLessThanOrEqualTo(growth.Limit, "resident memory grew after warm-up");
        }
    }

    [SlowFact]
    public async Task ManyGenerationJobs_KeepLatencyAndMemorySteady()
    {
        // The shared 2-core VM ran 7 to 9 jobs/s, one after another (measured), so this takes about 80 s. Over 2,000
        // jobs the median latency rose from 49 to 78 ms, which this test does not cover.
        const int MaxJobs = 600;
        const int MinimumJobs = 200;
        const double MaxLatencyGrowth = 1.5;
        TimeSpan timeLimit = TimeSpan.FromMinutes(3);
        WorkerNames names = WorkerNames.Unique();
        string model = "soak-model-" + Guid.NewGuid().ToString("N");
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        await client.SendAsync(TinyCommands.Train(model));
        await client.WaitForAsync<TrainingCompleted>(model, e => e.JobId == model, JobTimeout);

        var latenciesMs = new List<double>();
        var completions = new List<long>();
        ResidentMemorySampler sampler = new(worker.ProcessId, SampleInterval);
        await using (sampler)
        {
            Stopwatch elapsed = Stopwatch.StartNew();
            while (latenciesMs.Count < MaxJobs && elapsed.Elapsed < timeLimit)
            {
                string job = $"soak-generate-{latenciesMs.Count}-{Guid.NewGuid():N}";
                long sent = Stopwatch.GetTimestamp();
                await client.SendAsync(new GenerateImages
                {
                    JobId = job,
                    Model = ModelReference.FromTrainingJob(model),
                    Count = 16,
                    Seed = latenciesMs.Count,
                });
                GenerationCompleted done = await client.WaitForAsync<GenerationCompleted>(job, e => e.JobId == job, JobTimeout);
                completions.Add(client.ReceivedTimestamp(done));
                latenciesMs.Add(Stopwatch.GetElapsedTime(sent, completions[^1]).TotalMilliseconds);
            }

            await sampler.DisposeAsync();
        }

        int quarter = latenciesMs.Count / 4;
        double firstQuarter = Percentile(latenciesMs[..quarter], 0.5);
        double lastQuarter = Percentile(latenciesMs[^quarter..], 0.5);
        int tenth = (int)Math.Ceiling(latenciesMs.Count / 10.0);
        IEnumerable<string> tenths = latenciesMs.Chunk(tenth).Select(chunk => Percentile(chunk, 0.5).ToString("F0", CultureInfo.InvariantCulture));
        output.WriteLine(
            $"Generation: {latenciesMs.Count} jobs of 16 images; latency from send to GenerationCompleted p50 " +
            $"{Percentile(latenciesMs, 0.5):F0} ms, p90 {Percentile(latenciesMs, 0.9):F0} ms, p99 " +
            $"{Percentile(latenciesMs, 0.99):F0} ms, max {latenciesMs.Max():F0} ms; median of the first quarter " +
            $"{firstQuarter:F0} ms, of the last quarter {lastQuarter:F0} ms; medians by tenth of the run (ms): " +
            $"{string.Join(", ", tenths)}.");
        long warmUp = completions[(int)(completions.Count * WarmUpFraction)];
        RssGrowth growth = DescribeRss(sampler.Samples, warmUp, completions[^1]);

        client.All<JobFailed>().ShouldBeEmpty(worker.Output);
        latenciesMs.Count.ShouldBeGreaterThanOrEqualTo(MinimumJobs, "too few jobs ran to compare the first and last quarter");
        lastQuarter.ShouldBeLessThanOrEqualTo(MaxLatencyGrowth * firstQuarter, "latency grew over the run");
        growth.Bytes.ShouldBeLessThanOrEqualTo(growth.Limit, "resident memory grew after warm-up");
    }

    /// <summary>
    /// Waits for the first event of type <typeparamref name="T"/> of <paramref name="job"/>, or returns null when
    /// <paramref name="timeLimit"/> passes first.
    /// </summary>
    private static async Task<T?> WaitUntilCompletedOrAsync<T>(EventCollector client, string job, TimeSpan timeLimit)
        where T : class
    {
        try
        {
            return await client.WaitForAsync<T>(job, _ => true, timeLimit);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes RSS at the start, at the end of warm-up and at the end, and the peak after warm-up, to the test
    /// output, and returns the growth from the end of warm-up to the end with its limit.
    /// </summary>
    private RssGrowth DescribeRss(IReadOnlyList<RssSample> samples, long warmUpEnd, long end)
    {
        double start = samples[0].Bytes;
        double atWarmUp = MedianBefore(samples, warmUpEnd);
        double atEnd = MedianBefore(samples, end);
        double peak = samples.Where(sample => sample.Timestamp >= warmUpEnd).Max(sample => sample.Bytes);
        long limit = Math.Max((long)(atWarmUp * RssGrowthFraction), RssGrowthBytes);
        int tenth = (int)Math.Ceiling(samples.Count / 10.0);
        IEnumerable<string> tenths = samples.Chunk(tenth).Select(chunk => Megabytes(Percentile([.. chunk.Select(sample => (double)sample.Bytes)], 0.5)));
        output.WriteLine(
            $"RSS ({samples.Count} samples, {SampleInterval.TotalSeconds:F0} s apart): start {Megabytes(start)} MB, " +
            $"end of warm-up {Megabytes(atWarmUp)} MB, end {Megabytes(atEnd)} MB, peak after warm-up " +
            $"{Megabytes(peak)} MB; growth {Megabytes(atEnd - atWarmUp)} MB, limit {Megabytes(limit)} MB; medians by " +
            $"tenth of the run (MB): {string.Join(", ", tenths)}.");
        return new RssGrowth((long)(atEnd - atWarmUp), limit);
    }

    private static double MedianBefore(IReadOnlyList<RssSample> samples, long timestamp)
    {
        long windowStart = timestamp - (long)(RssWindow.TotalSeconds * Stopwatch.Frequency);
        double[] window = [.. samples.Where(s => s.Timestamp > windowStart && s.Timestamp <= timestamp).Select(s => (double)s.Bytes)];
        window.ShouldNotBeEmpty("no RSS sample was taken in the 10 s before the point to measure");
        return Percentile(window, 0.5);
    }

    /// <summary>Returns the nearest-rank percentile of <paramref name="values"/>, with <paramref name="fraction"/> in [0, 1].</summary>
    private static double Percentile(IReadOnlyCollection<double> values, double fraction)
    {
        double[] sorted = [.. values.Order()];
        int rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static string Megabytes(double bytes) => (bytes / (1024 * 1024)).ToString("F1", CultureInfo.InvariantCulture);

    private sealed record RssGrowth(long Bytes, long Limit);
}
