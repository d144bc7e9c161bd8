using System.Diagnostics;
using System.Globalization;
using Dcgan.Contracts;
using Spectre.Console;

namespace Dcgan.Cli;

/// <summary>
/// Shows a training job's progress events: a live progress bar on an interactive terminal, and one plain line every
/// ten seconds when the output is redirected (logs, CI).
/// </summary>
internal static class ConsoleProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="follow"/> and renders the events it passes to its observer.</summary>
    public static async Task<T> RunAsync<T>(Func<IJobObserver, Task<T>> follow)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await follow(new PlainProgress(Console.Out));
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
                ProgressTask task = context.AddTask("waiting for the worker", maxValue: 1);
                T result = await follow(new BarProgress(task));
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>Creates an observer that writes plain lines to stdout, for jobs without a progress bar.</summary>
    public static IJobObserver CreatePlain() => new PlainProgress(Console.Out);

    /// <summary>
    /// Formats one progress line: epoch, step, losses, discriminator probabilities, throughput and, for a scored job,
    /// the Fréchet distance (FD) of the newest checkpoint score with its step.
    /// </summary>
    public static string Describe(TrainingProgressed p)
    {
        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.TotalEpochs} step {p.Step}/{p.TotalSteps} D {p.DiscriminatorLoss:F3} G {p.GeneratorLoss:F3} D(x) {p.RealScore:F2} D(G(z)) {p.FakeScore:F2} {p.ImagesPerSecond:F0} img/s");
        return p.LatestScore is { } score
            ? line + string.Create(CultureInfo.InvariantCulture, $" FD {score.FrechetDistance:F2} (step {score.Step})")
            : line;
    }

    /// <summary>Formats the start of a job, such as "Job fashion started on worker host-1 at step 0."</summary>
    public static string DescribeStart(JobStarted started)
    {
        string where = started.StartStep > 0 ? $"resumed from step {started.StartStep}" : "started";
        return $"Job {started.JobId} {where} on worker {started.WorkerId}.";
    }

    private sealed class BarProgress(ProgressTask task) : IJobObserver
    {
        public void Started(JobStarted started)
        {
            task.Description = Markup.Escape(DescribeStart(started));
        }

        public void Progressed(TrainingProgressed progress)
        {
            // Events can arrive out of order, so an older step never moves the bar back.
            if (progress.Step < task.Value)
            {
                return;
            }

            task.MaxValue = progress.TotalSteps;
            task.Value = progress.Step;
            task.Description = Markup.Escape(Describe(progress));
        }
    }

    /// <summary>Writes the start line and at most one progress line per interval, plus the last step.</summary>
    private sealed class PlainProgress(TextWriter output) : IJobObserver
    {
        private readonly Lock gate = new();
        private readonly Stopwatch elapsed = Stopwatch.StartNew();
        private TimeSpan nextLine = TimeSpan.Zero;
        private long lastStep = -1;

        public void Started(JobStarted started)
        {
            lock (gate)
            {
                output.WriteLine(DescribeStart(started));
            }
        }

        public void Progressed(TrainingProgressed progress)
        {
            lock (gate)
            {
                TimeSpan now = elapsed.Elapsed;
                bool last = progress.Step >= progress.TotalSteps;
                if (progress.Step <= lastStep || (now < nextLine && !last))
                {
                    return;
                }

                lastStep = progress.Step;
                nextLine = now + PlainInterval;
                output.WriteLine(
                    $"{Describe(progress)}, {now:hh\\:mm\\:ss} elapsed, {progress.Remaining:hh\\:mm\\:ss} left");
            }
        }
    }
}
