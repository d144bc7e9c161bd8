using System.Threading.Channels;
using Dcgan.Contracts;
using Dcgan.Engine.Training;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Turns the trainer's per-step progress into <see cref="TrainingProgressed"/> events, at most one per interval.
/// <see cref="Report"/> runs on the training thread and never blocks it: it keeps only the newest figures, which an
/// async loop publishes. Figures with a new checkpoint score are queued whatever the interval, so every score
/// reaches an event unless a newer score replaces it before the publish. A failed publish is logged and does not stop
/// training.
/// </summary>
internal sealed partial class ProgressPublisher : IProgress<TrainingProgress>
{
    private readonly string jobId;
    private readonly IPublishEndpoint publisher;
    private readonly TimeSpan interval;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Channel<TrainingProgress> latest = Channel.CreateBounded<TrainingProgress>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    private readonly Task loop;
    private long lastQueuedTimestamp;
    private bool queuedAny;
    private long? lastScoredStep;

    public ProgressPublisher(
        string jobId,
        IPublishEndpoint publisher,
        TimeSpan interval,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        this.jobId = jobId;
        this.publisher = publisher;
        this.interval = interval;
        this.time = time;
        this.logger = logger;
        loop = Task.Run(() => PublishQueuedAsync(cancellationToken), CancellationToken.None);
    }

    public void Report(TrainingProgress value)
    {
        long now = time.GetTimestamp();
        bool newScore = false;
        if (value.LatestScore is { } score && score.Step != lastScoredStep)
        {
            newScore = true;
            lastScoredStep = score.Step;
            LogScore(logger, jobId, score.Step, score.FrechetDistance, score.Precision, score.Recall, score.ClassifierVersion);
        }

        if (queuedAny && !newScore && time.GetElapsedTime(lastQueuedTimestamp, now) < interval)
        {
            return;
        }

        queuedAny = true;
        lastQueuedTimestamp = now;
        latest.Writer.TryWrite(value);
    }

    /// <summary>Publishes what is still queued and stops the loop.</summary>
    public Task CompleteAsync()
    {
        latest.Writer.TryComplete();
        return loop;
    }

    private async Task PublishQueuedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (TrainingProgress progress in latest.Reader.ReadAllAsync(cancellationToken))
            {
                await PublishAsync(progress, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The job is stopping, so its last figures are not needed.
        }
    }

    private async Task PublishAsync(TrainingProgress progress, CancellationToken cancellationToken)
    {
        LogProgress(
            logger,
            jobId,
            progress.Step,
            progress.TotalSteps,
            progress.Epoch + 1,
            progress.TotalEpochs,
            progress.DiscriminatorLoss,
            progress.GeneratorLoss,
            progress.ImagesPerSecond,
            progress.Remaining.TotalSeconds);
        try
        {
            await publisher.Publish(
                new TrainingProgressed
                {
                    JobId = jobId,
                    Step = progress.Step,
                    TotalSteps = progress.TotalSteps,
                    Epoch = progress.Epoch + 1,
                    TotalEpochs = progress.TotalEpochs,
                    DiscriminatorLoss = progress.DiscriminatorLoss,
                    GeneratorLoss = progress.GeneratorLoss,
                    RealScore = progress.RealScore,
                    FakeScore = progress.FakeScore,
                    ImagesPerSecond = progress.ImagesPerSecond,
                    Remaining = progress.Remaining,
                    LatestScore = progress.LatestScore?.ToMessage(),
                },
                cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPublishFailed(logger, exception, jobId, progress.Step);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Training job {JobId} at step {Step}/{TotalSteps}, epoch {Epoch}/{TotalEpochs}: " +
            "D loss {DiscriminatorLoss:F3}, G loss {GeneratorLoss:F3}, {ImagesPerSecond:F0} images/s, " +
            "{RemainingSeconds:F0} s left")]
    private static partial void LogProgress(
        ILogger logger,
        string jobId,
        long step,
        long totalSteps,
        int epoch,
        int totalEpochs,
        float discriminatorLoss,
        float generatorLoss,
        double imagesPerSecond,
        double remainingSeconds);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Training job {JobId} checkpoint at step {Step} scored Fréchet distance {FrechetDistance:F3}, " +
            "precision {Precision:F3}, recall {Recall:F3} with classifier {ClassifierVersion}")]
    private static partial void LogScore(
        ILogger logger,
        string jobId,
        long step,
        double frechetDistance,
        double precision,
        double recall,
        string classifierVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} could not publish its progress at step {Step}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string jobId, long step);
}
