using System.Globalization;
using Dcgan.Contracts;

namespace Dcgan.Cli;

/// <summary>Prints the result of a finished job: local paths when its files are on this machine, URIs otherwise.</summary>
internal static class JobReport
{
    /// <summary>Prints the figures and the files of a training job.</summary>
    /// <param name="completed">The completion event.</param>
    /// <param name="localRoot">Folder that contains the job's files as "jobs/{jobId}/...", or null to print URIs.</param>
    public static void PrintTraining(TrainingCompleted completed, string? localRoot)
    {
        TextWriter output = Console.Out;
        if (completed.IsReplay)
        {
            output.WriteLine($"Job {completed.JobId} had already finished, so its stored result is shown without training.");
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Done: {completed.Steps} steps, {completed.Epochs} epoch{(completed.Epochs == 1 ? string.Empty : "s")} in {completed.Duration:hh\\:mm\\:ss}, {completed.ImagesPerSecond:F1} images/s, D loss {completed.FinalDiscriminatorLoss:F3}, G loss {completed.FinalGeneratorLoss:F3}"));
        output.WriteLine($"Job id:     {completed.JobId}");
        output.WriteLine($"Checkpoint: {Where(completed.Checkpoint, localRoot)}");
        if (completed.BestScore is { } best)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Best score: step {best.Step}, Fréchet distance {best.FrechetDistance:F3}, precision {best.Precision:F3}, recall {best.Recall:F3} (classifier {best.ClassifierVersion})"));
        }

        if (completed.BestCheckpoint is not null)
        {
            output.WriteLine($"Best checkpoint: {Where(completed.BestCheckpoint, localRoot)}");
        }

        if (completed.SampleGrids.Count > 0)
        {
            output.WriteLine($"Samples:    {Where(completed.SampleGrids[^1], localRoot)}");
        }

        if (completed.LossHistory is not null)
        {
            output.WriteLine($"Losses:     {Where(completed.LossHistory, localRoot)}");
        }

        if (completed.LossPlot is not null)
        {
            output.WriteLine($"Loss plot:  {Where(completed.LossPlot, localRoot)}");
        }

        output.WriteLine($"Manifest:   {Where(completed.Manifest, localRoot)}");
    }

    /// <summary>Prints the figures and the files of a generation job.</summary>
    /// <param name="completed">The completion event.</param>
    /// <param name="localRoot">Folder that contains the job's files as "jobs/{jobId}/...", or null to print URIs.</param>
    public static void PrintGeneration(GenerationCompleted completed, string? localRoot)
    {
        TextWriter output = Console.Out;
        if (completed.IsReplay)
        {
            output.WriteLine($"Job {completed.JobId} had already finished, so its stored images are shown without sampling.");
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Done: {completed.ImageCount} images in {completed.Duration.TotalSeconds:F1} s, {completed.ImagesPerSecond:F1} images/s"));
        output.WriteLine($"Job id:   {completed.JobId}");
        if (completed.Images.Count > 0)
        {
            string first = Where(completed.Images[0], localRoot);
            output.WriteLine(localRoot is null
                ? $"Images:   {first} and {completed.Images.Count - 1} more in the same folder"
                : $"Images:   {Path.GetDirectoryName(first)}{Path.DirectorySeparatorChar}image-*.png");
        }

        if (completed.Grid is not null)
        {
            output.WriteLine($"Grid:     {Where(completed.Grid, localRoot)}");
        }

        output.WriteLine($"Manifest: {Where(completed.Manifest, localRoot)}");
    }

    /// <summary>Prints the reason of a failed job and every validation error to stderr.</summary>
    public static void PrintFailure(JobFailed failure)
    {
        TextWriter error = Console.Error;
        error.WriteLine($"Error: {failure.Reason}");
        if (failure.Errors.Count > 1 || (failure.Errors.Count == 1 && failure.Errors[0] != failure.Reason))
        {
            foreach (string problem in failure.Errors)
            {
                error.WriteLine($"  - {problem}");
            }
        }
    }

    private static string Where(ArtifactLocation location, string? localRoot) =>
        localRoot is null ? location.Uri.ToString() : ArtifactDownloader.LocalPath(localRoot, location.Path);
}
