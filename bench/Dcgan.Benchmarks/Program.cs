using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Dcgan.Benchmarks.TrainingBenchmarks).Assembly).Run(args);
