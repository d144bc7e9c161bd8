using Dcgan.Contracts;
using Dcgan.Engine.Training;
using Dcgan.Worker.Storage;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Builds completion events from a job's manifest, so the first event and every replay of a finished job carry
/// the same figures and artifact locations.
/// </summary>
internal static class CompletionEvents
{
    /// <summary>Builds the <see cref="TrainingCompleted"/> event of a finished training job.</summary>
    /// <exception cref="InvalidDataException">The manifest lists no final checkpoint.</exception>
    public static TrainingCompleted Training(JobManifest manifest, IArtifactStore store, bool isReplay)
    {
        string jobId = manifest.JobId;
        string finalCheckpoint = ArtifactPaths.Job(jobId, "checkpoints/" + DcganTrainer.FinalCheckpointName);
        HashSet<string> paths = [.. manifest.Artifacts.Select(entry => entry.Path)];
        if (!paths.Contains(finalCheckpoint))
        {
            throw new InvalidDataException(
                $"Manifest of training job '{jobId}' lists no final checkpoint '{finalCheckpoint}'.");
        }

        string samplesPrefix = ArtifactPaths.JobPrefix(jobId) + "samples/";
        return new TrainingCompleted
        {
            JobId = jobId,
            Steps = manifest.Steps ?? 0,
            Epochs = manifest.Epochs ?? 0,
            FinalDiscriminatorLoss = (float)(manifest.FinalDiscriminatorLoss ?? double.NaN),
            FinalGeneratorLoss = (float)(manifest.FinalGeneratorLoss ?? double.NaN),
            ImagesPerSecond = manifest.ImagesPerSecond ?? 0,
            Duration = TimeSpan.FromSeconds(manifest.DurationSeconds),
            Checkpoint = Locate(store, finalCheckpoint),
            Manifest = Locate(store, ArtifactPaths.Manifest(jobId)),
            SampleGrids = Under(manifest, store, samplesPrefix),
            LossHistory = LocateIfListed(store, paths, ArtifactPaths.Job(jobId, ArtifactPaths.LossHistoryCsv)),
            LossPlot = LocateIfListed(store, paths, ArtifactPaths.Job(jobId, ArtifactPaths.LossPlotPng)),
            BestScore = manifest.BestCheckpoint?.Score,
            BestCheckpoint = manifest.BestCheckpoint is { } best ? LocateIfListed(store, paths, best.Path) : null,
            IsReplay = isReplay,
        };
    }

    /// <summary>Builds the <see cref="GenerationCompleted"/> event of a finished generation job.</summary>
    public static GenerationCompleted Generation(JobManifest manifest, IArtifactStore store, bool isReplay)
    {
        string jobId = manifest.JobId;
        HashSet<string> paths = [.. manifest.Artifacts.Select(entry => entry.Path)];
        IReadOnlyList<ArtifactLocation> images = Under(manifest, store, ArtifactPaths.JobPrefix(jobId) + "images/");
        return new GenerationCompleted
        {
            JobId = jobId,
            ImageCount = manifest.ImageCount ?? images.Count,
            Images = images,
            Grid = LocateIfListed(store, paths, ArtifactPaths.Job(jobId, ArtifactPaths.GridPng)),
            Manifest = Locate(store, ArtifactPaths.Manifest(jobId)),
            Duration = TimeSpan.FromSeconds(manifest.DurationSeconds),
            ImagesPerSecond = manifest.ImagesPerSecond ?? 0,
            IsReplay = isReplay,
        };
    }

    private static ArtifactLocation Locate(IArtifactStore store, string path) => new(path, store.GetUri(path));

    private static ArtifactLocation? LocateIfListed(IArtifactStore store, HashSet<string> paths, string path) =>
        paths.Contains(path) ? Locate(store, path) : null;

    // Sample and image names carry zero-padded numbers, so ordinal order is step or index order.
    private static List<ArtifactLocation> Under(JobManifest manifest, IArtifactStore store, string prefix) =>
        [.. manifest.Artifacts
            .Select(entry => entry.Path)
            .Where(path => path.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => Locate(store, path))];
}
