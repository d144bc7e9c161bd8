using System.Diagnostics;
using Dcgan.Benchmarks.Loops;

namespace Dcgan.Benchmarks.Timing;

/// <summary>Seconds of each measured step of a loop, after unmeasured warm-up steps.</summary>
public sealed record LoopTiming(int ImagesPerStep, double[] StepSeconds)
{
    public double ImagesPerSecond => ImagesPerStep * StepSeconds.Length / StepSeconds.Sum();

    public double MedianStepSeconds
    {
        get
        {
            double[] sorted = [.. StepSeconds.Order()];
            int middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public static LoopTiming Measure(ITimedLoop loop, int warmupSteps, int steps)
    {
        for (int i = 0; i < warmupSteps; i++)
        {
            loop.Step();
        }

        var seconds = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            loop.Step();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        return new LoopTiming(loop.ImagesPerStep, seconds);
    }
}
