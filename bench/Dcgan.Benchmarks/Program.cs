using BenchmarkDotNet.Running;
using Dcgan.Benchmarks.Timing;

// "time ..." runs one measurement of the side-by-side benchmark (bench/compare.sh). Other arguments go to
// BenchmarkDotNet.
if (args.Length > 0 && args[0] == "time")
{
    return TimingCommand.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Dcgan.Benchmarks.TrainingBenchmarks).Assembly).Run(args);
return 0;
