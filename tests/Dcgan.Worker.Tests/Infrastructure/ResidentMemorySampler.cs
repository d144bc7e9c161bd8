using System.Diagnostics;
using System.Globalization;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// Reads the resident set size (VmRSS in /proc/PID/status) of one process at a fixed interval on a background
/// task, from construction until disposal or until the process exits. Linux only.
/// </summary>
public sealed class ResidentMemorySampler : IAsyncDisposable
{
    private readonly int processId;
    private readonly TimeSpan interval;
    private readonly CancellationTokenSource stop = new();
    private readonly List<RssSample> samples = [];
    private readonly Task loop;

    public ResidentMemorySampler(int processId, TimeSpan interval)
    {
        this.processId = processId;
        this.interval = interval;
        loop = Task.Run(SampleAsync);
    }

    /// <summary>Samples taken so far, oldest first.</summary>
    public IReadOnlyList<RssSample> Samples
    {
        get
        {
            lock (samples)
            {
                return [.. samples];
            }
        }
    }

    /// <summary>Reads VmRSS of a process in bytes, or returns null when the process has exited.</summary>
    public static long? ReadRssBytes(int processId)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{processId}/status");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        // The line reads "VmRSS:    123456 kB"; a zombie has no VmRSS line.
        string? line = lines.FirstOrDefault(entry => entry.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Stops sampling; <see cref="Samples"/> stays readable. Calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        await stop.CancelAsync();
        await loop;
    }

    private async Task SampleAsync()
    {
        using PeriodicTimer timer = new(interval);
        do
        {
            if (ReadRssBytes(processId) is not { } rss)
            {
                return;
            }

            lock (samples)
            {
                samples.Add(new RssSample(Stopwatch.GetTimestamp(), rss));
            }
        }
        while (await WaitForTickAsync(timer));
    }

    private async Task<bool> WaitForTickAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
