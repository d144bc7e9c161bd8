using System.Runtime.ExceptionServices;
using System.Text.Json;
using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;
using Dcgan.Engine.Training;
using Dcgan.Worker.Hosting;
using Dcgan.Worker.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Runs one delivery of a training command: replays a finished job, or resumes from the newest stored checkpoint,
/// trains on a dedicated thread while uploading each file the trainer writes, then stores the manifest last and
/// publishes <see cref="TrainingCompleted"/>.
/// </summary>
internal sealed partial class TrainingJob(
    IArtifactStore store,
    JobManifestStore manifests,
    DatasetLoader datasets,
    IOptions<WorkerOptions> workerOptions,
    IOptions<EvaluationOptions> evaluationOptions,
    ShutdownBudget shutdown,
    TimeProvider time,
    ILogger<TrainingJob> logger)
{
    /// <summary>
    /// Runs the job, calling <paramref name="stepReached"/> with each training step reported. When
    /// <paramref name="cancellationToken"/> fires, it stores a checkpoint and throws.
    /// </summary>
    /// <exception cref="InvalidJobException">The command cannot succeed as sent.</exception>
    /// <exception cref="FileNotFoundException">
    /// The command requests scores, but the worker's classifier file is missing.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<TrainingOutcome> RunAsync(
        TrainingRequest request,
        IPublishEndpoint publisher,
        CancellationToken cancellationToken,
        Action<long>? stepReached = null)
    {
        long startTimestamp = time.GetTimestamp();
        WorkerOptions options = workerOptions.Value;

        // The slice counts from the start of the delivery, so downloading the data set is part of it.
        using var sliceEnd = new CancellationTokenSource(options.TrainingSlice, time);
        string jobId = request.JobId;
        JobManifest? finished = await manifests.TryReadAsync(store, jobId, cancellationToken);
        if (finished is not null)
        {
            await publisher.Publish(CompletionEvents.Training(finished, store, isReplay: true), cancellationToken);
            LogReplayed(logger, jobId, finished.CreatedAt);
            return TrainingOutcome.Replayed;
        }

        string classifierPath = evaluationOptions.Value.ClassifierPath;
        EnsureClassifierExists(request, classifierPath);
        using JobWorkspace workspace = JobWorkspace.Create(options.WorkDirectory, "train", jobId, logger);
        string outputFolder = workspace.Folder("output");
        ResumePoint resume = await FindResumePointAsync(request, workspace, outputFolder, cancellationToken);
        await publisher.Publish(
            new JobStarted
            {
                JobId = jobId,
                Kind = JobKind.Training,
                WorkerId = WorkerIdentity.WorkerId,
                StartStep = resume.Step,
                StartedAt = time.GetUtcNow(),
            },
            cancellationToken);

        using PreparedDataset dataset = await datasets.PrepareAsync(request, cancellationToken);
        LogStarted(logger, jobId, WorkerIdentity.WorkerId, resume.Step, dataset.Description, request.Config.Device);

        using var stopTraining = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, sliceEnd.Token);

        // Uploads outlive the job's token by the shutdown budget, so the checkpoint written on cancellation is stored.
        using var stopUploads = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using CancellationTokenRegistration uploadDeadline =
            cancellationToken.Register(() => stopUploads.CancelAfter(shutdown.CheckpointUploadTimeout));

        var uploader = new ArtifactUploader(
            store,
            jobId,
            workspace.Folder("staging"),
            request.Config.KeepCheckpoints,
            resume.StoredStepCheckpoints,
            onFailure: stopTraining.Cancel,
            logger,
            stopUploads.Token);
        var progress = new ProgressPublisher(jobId, publisher, options.ProgressInterval, time, logger, cancellationToken);
        var trainer = new DcganTrainer(time) { ArtifactWritten = uploader.Enqueue, ClassifierPath = classifierPath };

        TrainingResult? result = null;
        Exception? trainingFailure = null;
        try
        {
            result = await DedicatedThread.RunAsync(() =>
                Train(
                    trainer,
                    request,
                    dataset,
                    outputFolder,
                    new StepTracker(progress, stepReached),
                    resume.LocalCheckpoint,
                    stopTraining.Token));
        }
        catch (Exception exception)
        {
            // Rethrown below, once the uploads it may have queued are stored.
            trainingFailure = exception;
        }

        await progress.CompleteAsync();
        (IReadOnlyDictionary<string, StoredArtifact> uploaded, Exception? uploadFailure) = await CompleteUploadsAsync(uploader);
        ThrowIfStopped(jobId, trainingFailure, uploadFailure, cancellationToken);
        if (trainingFailure is not null)
        {
            if (!sliceEnd.IsCancellationRequested)
            {
                ExceptionDispatchInfo.Throw(trainingFailure);
            }

            LogSliceEnded(logger, jobId, options.TrainingSlice.TotalHours);
            return TrainingOutcome.SliceEnded;
        }

        JobManifest manifest = await WriteManifestAsync(
            request,
            result!,
            uploaded,
            workspace.Folder("scratch"),
            time.GetElapsedTime(startTimestamp),
            cancellationToken);
        await publisher.Publish(CompletionEvents.Training(manifest, store, isReplay: false), cancellationToken);
        LogCompleted(
            logger,
            jobId,
            result!.Steps,
            result.Epochs,
            manifest.DurationSeconds * 1000,
            result.ImagesPerSecond,
            manifest.Artifacts.Count);
        return TrainingOutcome.Completed;
    }

    /// <summary>
    /// Throws before the job starts when <paramref name="request"/> requests scores and the classifier file is missing.
    /// The worker is misconfigured rather than the command invalid, so the command goes to the _error queue, from
    /// which it can be sent again once the file is in place.
    /// </summary>
    private static void EnsureClassifierExists(TrainingRequest request, string classifierPath)
    {
        if (request.Config.EvaluationImages > 0 && !File.Exists(classifierPath))
        {
            throw new FileNotFoundException(
                $"The job requests scores of {request.Config.EvaluationImages} images at each checkpoint " +
                "(Settings.EvaluationImages, or the worker's default " +
                $"{TrainingDefaultsOptions.SectionName}:{nameof(TrainingDefaultsOptions.EvaluationImages)}), " +
                $"but the classifier file '{classifierPath}' is not found on this worker: set " +
                $"{EvaluationOptions.SectionName}:{nameof(EvaluationOptions.ClassifierPath)} to the repository's " +
                $"models/{ClassifierFile.DefaultFileName}, or send the job with Settings.EvaluationImages 0.",
                classifierPath);
        }
    }

    private static TrainingResult Train(
        DcganTrainer trainer,
        TrainingRequest request,
        PreparedDataset dataset,
        string outputFolder,
        IProgress<TrainingProgress> progress,
        string? resumeFrom,
        CancellationToken cancellationToken)
    {
        ImageData images = dataset.Load();
        if (images.Count < request.Config.BatchSize)
        {
            throw new InvalidJobException(
                $"The data set has {images.Count} images, fewer than the batch size {request.Config.BatchSize}: use " +
                "a smaller Settings.BatchSize or a data set with more images.");
        }

        // Precision and recall compare each image with its k nearest neighbours among the others.
        if (request.Config.EvaluationImages > 0 && images.Count <= ManifoldMetrics.DefaultNeighbourCount)
        {
            throw new InvalidJobException(
                $"The data set has {images.Count} images, but scores (Settings.EvaluationImages " +
                $"{request.Config.EvaluationImages}) need more than {ManifoldMetrics.DefaultNeighbourCount} images: " +
                "use a data set with more images, or send the job with Settings.EvaluationImages 0.");
        }

        return trainer.Train(request.Config, images, outputFolder, progress, resumeFrom, cancellationToken);
    }

    private static async Task<(IReadOnlyDictionary<string, StoredArtifact> Uploaded, Exception? Failure)> CompleteUploadsAsync(
        ArtifactUploader uploader)
    {
        try
        {
            return (await uploader.CompleteAsync(), null);
        }
        catch (Exception exception)
        {
            // Returned to the caller, which decides whether this or the training failure is rethrown.
            return (new Dictionary<string, StoredArtifact>(), exception);
        }
    }

    /// <summary>
    /// Rethrows the exception that ended the delivery, if any, except the end of the time slice. A stopping worker
    /// rethrows the cancellation even when its checkpoint could not be stored, so the command returns to the queue.
    /// Otherwise a failed upload wins, because training stops early after one.
    /// </summary>
    private void ThrowIfStopped(
        string jobId,
        Exception? trainingFailure,
        Exception? uploadFailure,
        CancellationToken cancellationToken)
    {
        if (trainingFailure is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            if (uploadFailure is not null)
            {
                LogCheckpointNotStored(logger, uploadFailure, jobId);
            }

            ExceptionDispatchInfo.Throw(trainingFailure);
        }

        if (uploadFailure is not null)
        {
            if (trainingFailure is not null and not OperationCanceledException and not InvalidOperationException)
            {
                LogTrainingAlsoFailed(logger, trainingFailure, jobId);
            }

            ExceptionDispatchInfo.Throw(uploadFailure);
        }

        if (trainingFailure is not null and not OperationCanceledException)
        {
            ExceptionDispatchInfo.Throw(trainingFailure);
        }
    }

    private async Task<ResumePoint> FindResumePointAsync(
        TrainingRequest request,
        JobWorkspace workspace,
        string outputFolder,
        CancellationToken cancellationToken)
    {
        string jobId = request.JobId;
        IReadOnlyList<string> stored = await store.ListAsync(ArtifactPaths.JobPrefix(jobId) + "checkpoints/", cancellationToken);
        List<string> stepCheckpoints = [.. stored.Where(path => ArtifactUploader.IsStepCheckpoint(jobId, path)).Order(StringComparer.Ordinal)];

        // A final checkpoint without a manifest means that the last delivery stopped after training. Resuming from
        // it only rewrites the last grid, the plot and the manifest.
        string finalCheckpoint = ArtifactPaths.Job(jobId, "checkpoints/" + DcganTrainer.FinalCheckpointName);
        string? newest = stored.Contains(finalCheckpoint) ? finalCheckpoint : stepCheckpoints.LastOrDefault();
        if (newest is null)
        {
            return new ResumePoint(null, 0, stepCheckpoints);
        }

        string local = Path.Combine(workspace.Folder("resume"), newest[(newest.LastIndexOf('/') + 1)..]);
        if (!await store.TryDownloadToFileAsync(newest, local, cancellationToken))
        {
            throw new InvalidOperationException($"Checkpoint '{newest}' was listed but is not found any more, because it was deleted meanwhile.");
        }

        // The trainer continues the loss and score histories found in its output folder, or starts empty ones.
        foreach (string history in (string[])[ArtifactPaths.LossHistoryCsv, ArtifactPaths.ScoresCsv])
        {
            string localHistory = Path.Combine(outputFolder, history);
            await store.TryDownloadToFileAsync(ArtifactPaths.Job(jobId, history), localHistory, cancellationToken);
        }

        CheckpointInfo info = CheckpointFile.ReadInfo(local);
        if (info.Config.Model != request.Config.Model)
        {
            throw new InvalidJobException(
                $"Job '{jobId}' already has checkpoint '{newest}' at step {info.Step} for a different model " +
                $"({Describe(info.Config)}, requested {Describe(request.Config)}): use a new job id to train another model.");
        }

        LogResuming(logger, jobId, newest, info.Step);
        return new ResumePoint(local, info.Step, stepCheckpoints);
    }

    private async Task<JobManifest> WriteManifestAsync(
        TrainingRequest request,
        TrainingResult result,
        IReadOnlyDictionary<string, StoredArtifact> uploaded,
        string scratchFolder,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<ManifestEntry> artifacts =
            await JobArtifacts.DescribeAsync(store, request.JobId, uploaded, scratchFolder, cancellationToken);
        var manifest = new JobManifest
        {
            JobId = request.JobId,
            Kind = JobKind.Training,
            CreatedAt = time.GetUtcNow(),
            Command = JsonSerializer.SerializeToElement(request.Command),
            Steps = result.Steps,
            Epochs = result.Epochs,
            FinalDiscriminatorLoss = FiniteOrNull(result.FinalDiscriminatorLoss),
            FinalGeneratorLoss = FiniteOrNull(result.FinalGeneratorLoss),
            DurationSeconds = duration.TotalSeconds,
            ImagesPerSecond = result.ImagesPerSecond,
            Scores = result.Scores.Count > 0 ? [.. result.Scores.Select(score => score.ToMessage())] : null,
            BestCheckpoint = result.BestScore is { } best
                ? new BestCheckpointEntry(ArtifactPaths.Job(request.JobId, ArtifactPaths.BestCheckpoint), best.ToMessage())
                : null,
            Artifacts = artifacts,
        };
        await manifests.WriteAsync(store, manifest, cancellationToken);
        return manifest;
    }

    private static double? FiniteOrNull(float value) => float.IsFinite(value) ? value : null;

    private static string Describe(TrainingConfig config) =>
        $"image size {config.Model.ImageSize}, {config.Model.Channels} channels, latent size {config.Model.LatentSize}, " +
        $"features {config.Model.GeneratorFeatures}/{config.Model.DiscriminatorFeatures}";

    // Passes progress on and reports the step reached to the caller, for events about a job that stopped early.
    private sealed class StepTracker(IProgress<TrainingProgress> inner, Action<long>? stepReached) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            stepReached?.Invoke(value.Step);
            inner.Report(value);
        }
    }

    private sealed record ResumePoint(string? LocalCheckpoint, long Step, IReadOnlyList<string> StoredStepCheckpoints);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Training job {JobId} started on {WorkerId} at step {StartStep} with {Dataset} on device {Device}")]
    private static partial void LogStarted(ILogger logger, string jobId, string workerId, long startStep, string dataset, string device);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Training job {JobId} completed: {Steps} steps, {Epochs} epochs in {ElapsedMs:F0} ms, " +
            "{ImagesPerSecond:F0} images/s, {ArtifactCount} artifacts stored")]
    private static partial void LogCompleted(
        ILogger logger,
        string jobId,
        long steps,
        int epochs,
        double elapsedMs,
        double imagesPerSecond,
        int artifactCount);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Training job {JobId} had completed at {CompletedAt}, so its result was published again without training")]
    private static partial void LogReplayed(ILogger logger, string jobId, DateTimeOffset completedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} resumes from {Checkpoint} at step {Step}")]
    private static partial void LogResuming(ILogger logger, string jobId, string checkpoint, long step);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Training job {JobId} trained for its time slice of {SliceHours:F1} h and stored a checkpoint")]
    private static partial void LogSliceEnded(ILogger logger, string jobId, double sliceHours);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "Training job {JobId} could not store its last checkpoint while stopping, so the next delivery resumes " +
            "from an older one")]
    private static partial void LogCheckpointNotStored(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "Training job {JobId} failed while its uploads were failing, and the upload failure is reported")]
    private static partial void LogTrainingAlsoFailed(ILogger logger, Exception exception, string jobId);
}
