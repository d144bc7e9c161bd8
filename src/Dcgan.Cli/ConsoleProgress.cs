using Dcgan.Engine.Training;
using Spectre.Console;

namespace Dcgan.Cli;

/// <summary>
/// Shows training progress: a live progress bar on an interactive terminal, and one plain line every
/// ten seconds when the output is redirected (logs, CI).
/// </summary>
internal static class ConsoleProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="train"/> on a dedicated thread and renders its progress reports.</summary>
    public static async Task<TrainingResult> RunAsync(
        Func<IProgress<TrainingProgress>, TrainingResult> train,
        CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var plain = new PlainReporter();
            return await RunOnTrainingThread(() => train(plain));
        }

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("starting", maxValue: 1);
                var reporter = new BarReporter(task);
                TrainingResult result = await RunOnTrainingThread(() => train(reporter));
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>Formats one progress line: epoch, step, losses, scores and throughput.</summary>
    public static string Describe(TrainingProgress p)
    {
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"epoch {p.Epoch + 1}/{p.TotalEpochs} step {p.Step}/{p.TotalSteps} D {p.DiscriminatorLoss:F3} G {p.GeneratorLoss:F3} D(x) {p.RealScore:F2} D(G(z)) {p.FakeScore:F2} {p.ImagesPerSecond:F0} img/s");
    }

    // TorchSharp dispose scopes are thread-static, so the whole loop runs on one dedicated thread.
    private static Task<TrainingResult> RunOnTrainingThread(Func<TrainingResult> train)
    {
        return Task.Factory.StartNew(train, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private sealed class BarReporter(ProgressTask task) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.MaxValue = value.TotalSteps;
            task.Value = value.Step;
            task.Description = Markup.Escape(Describe(value));
        }
    }

    private sealed class PlainReporter : IProgress<TrainingProgress>
    {
        private DateTime nextLine = DateTime.MinValue;

        public void Report(TrainingProgress value)
        {
            DateTime now = DateTime.UtcNow;
            if (now < nextLine && value.Step < value.TotalSteps)
            {
                return;
            }

            nextLine = now + PlainInterval;
            Console.WriteLine(
                $"{Describe(value)}, {value.Elapsed:hh\\:mm\\:ss} elapsed, {value.Remaining:hh\\:mm\\:ss} left");
        }
    }
}
