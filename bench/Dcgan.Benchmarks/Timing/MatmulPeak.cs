using System.Diagnostics;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Timing;

/// <summary>
/// The machine's practical fp32 peak: GFLOP/s of a large square matrix multiply through libtorch, the best of
/// several repeats, counting 2·n³ FLOP per product.
/// </summary>
public static class MatmulPeak
{
    public static (double GflopPerSecond, double[] Seconds) Measure(int size, int warmup, int repeats)
    {
        using var scope = NewDisposeScope();
        using var random = new Generator(1, CPU);
        Tensor left = randn(size, size, generator: random);
        Tensor right = randn(size, size, generator: random);
        var seconds = new double[repeats];
        for (int i = -warmup; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            double elapsed;
            using (Tensor product = mm(left, right))
            {
                elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            if (i >= 0)
            {
                seconds[i] = elapsed;
            }
        }

        return (2.0 * size * size * size / seconds.Min() / 1e9, seconds);
    }
}
