using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace Dcgan.Benchmarks;

/// <summary>
/// Few, long iterations: one invocation is a whole training or sampling step (tenths of a second to seconds),
/// so BenchmarkDotNet's default of many short invocations would only add hours.
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithWarmupCount(3)
            .WithIterationCount(12)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(StatisticColumn.OperationsPerSecond, StatisticColumn.Median, BaselineRatioColumn.RatioMean);
        WithOptions(ConfigOptions.JoinSummary);
    }
}
