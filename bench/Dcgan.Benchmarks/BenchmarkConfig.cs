using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Dcgan.Benchmarks;

/// <summary>
/// Few, long iterations: one invocation is a whole training or sampling step (tenths of a second to seconds),
/// so BenchmarkDotNet's default of many short invocations would only add hours. Benchmarks run in this process
/// because its build output contains the TorchSharp native library patched for the host. A separately generated
/// benchmark project would load the unpatched copy from the NuGet cache.
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithWarmupCount(3)
            .WithIterationCount(30)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.OperationsPerSecond, StatisticColumn.Median, BaselineRatioColumn.RatioMean);
    }
}
