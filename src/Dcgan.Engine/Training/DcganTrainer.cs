using System.Diagnostics;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;
using Dcgan.Engine.Imaging;
using static TorchSharp.torch;

namespace Dcgan.Engine.Training;

/// <summary>
/// Runs a training loop on the calling thread and writes its files under one output folder:
/// <c>checkpoints/step-NNNNNNNN.ckpt</c>, <c>checkpoints/final.ckpt</c>, <c>samples/step-NNNNNNNN.png</c>,
/// <c>losses.csv</c> and <c>losses.png</c>. When <see cref="TrainingConfig.EvaluationImages"/> is above 0 it also scores
/// the generator at each checkpoint, the final one included, and writes <c>scores.csv</c> and
/// <c>checkpoints/best.ckpt</c>, a copy of the checkpoint with the lowest Fréchet distance.
/// </summary>
public sealed class DcganTrainer(TimeProvider? clock = null)
{
    /// <summary>Name of the checkpoint written when training ends.</summary>
    public const string FinalCheckpointName = "final" + CheckpointFile.Extension;

    /// <summary>Name of the copy of the checkpoint with the lowest Fréchet distance.</summary>
    public const string BestCheckpointName = "best" + CheckpointFile.Extension;

    private readonly TimeProvider time = clock ?? TimeProvider.System;

    /// <summary>
    /// Called on the training thread after each file is complete. A step checkpoint may be deleted once
    /// newer ones exist, so a handler that uploads later must copy the file before it returns.
    /// </summary>
    public Action<TrainingArtifact>? ArtifactWritten { get; init; }

    /// <summary>
    /// Classifier file used to score checkpoints when <see cref="TrainingConfig.EvaluationImages"/> is above 0.
    /// Default: <see cref="ClassifierFile.DefaultPath"/>.
    /// </summary>
    public string ClassifierPath { get; init; } = ClassifierFile.DefaultPath;

    /// <summary>
    /// Trains on <paramref name="images"/> until the configured steps or epochs are done. When
    /// <paramref name="resumeFrom"/> names a checkpoint, training continues from its step with its weights,
    /// optimizer states and random state, and with the scores stored before that step. On cancellation a checkpoint
    /// of the last completed step is written before <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <exception cref="FileNotFoundException">Scoring is on and <see cref="ClassifierPath"/> does not exist.</exception>
    public TrainingResult Train(
        TrainingConfig config,
        ImageData images,
        string outputDirectory,
        IProgress<TrainingProgress>? progress = null,
        string? resumeFrom = null,
        CancellationToken cancellationToken = default)
    {
        config.EnsureValid();
        Device device = DeviceSelector.Resolve(config.Device);
        var layout = new OutputLayout(outputDirectory);
        layout.Create();

        using TrainingData data = TrainingData.Create(images, config.Model.ImageSize, config.Model.Channels, device);
        if (data.Count < config.BatchSize)
        {
            throw new ArgumentException(
                $"The data set has {data.Count} images, fewer than the batch size {config.BatchSize}. " +
                "Use a smaller batch or more images.");
        }

        using CheckpointScorer? scorer = config.EvaluationImages > 0
            ? CheckpointScorer.Create(ClassifierPath, images, config.EvaluationImages)
            : null;
        using TrainingSession session = resumeFrom is null
            ? TrainingSession.Start(config, device)
            : CheckpointFile.LoadSession(resumeFrom, device, config);

        long stepsPerEpoch = data.Count / config.BatchSize;
        long totalSteps = config.MaxSteps ?? config.Epochs * stepsPerEpoch;
        int totalEpochs = (int)((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        LossHistory history = resumeFrom is null ? new LossHistory() : LossHistory.ReadCsv(layout.LossHistory);
        history.TruncateAfter(session.Step);
        ScoreHistory scores = resumeFrom is null || scorer is null ? new ScoreHistory() : ScoreHistory.ReadCsv(layout.ScoreHistory);
        scores.TruncateAfter(session.Step);

        long firstStep = session.Step;
        long startTimestamp = time.GetTimestamp();
        LossRecord? last = history.Records.Count > 0 ? history.Records[^1] : null;
        var samplePaths = new List<string>();
        TrainingProgress? lastProgress = null;
        while (session.Step < totalSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                SaveStepCheckpoint(session, layout, last, config.KeepCheckpoints);
                WriteHistory(history, layout, session.Step);
                cancellationToken.ThrowIfCancellationRequested();
            }

            int epoch = TrainingSession.EpochOf(session.Step, stepsPerEpoch);
            using (var scope = NewDisposeScope())
            {
                Tensor indices = session.BatchIndices(session.Step, data.Count);
                Tensor batch = data.Batch(indices);
                last = session.TrainStep(batch, epoch);
            }

            history.Add(last);
            TimeSpan elapsed = time.GetElapsedTime(startTimestamp);
            double rate = (session.Step - firstStep) * config.BatchSize / Math.Max(elapsed.TotalSeconds, 1e-9);
            TimeSpan remaining = TimeSpan.FromSeconds((totalSteps - session.Step) * config.BatchSize / Math.Max(rate, 1e-9));
            var stepProgress = new TrainingProgress(
                session.Step,
                totalSteps,
                epoch,
                totalEpochs,
                last.DiscriminatorLoss,
                last.GeneratorLoss,
                last.RealScore,
                last.FakeScore,
                rate,
                elapsed,
                remaining);

            if (session.Step % config.SampleEvery == 0 && session.Step < totalSteps)
            {
                samplePaths.Add(WriteSampleGrid(session, layout));
                WriteHistory(history, layout, session.Step);
            }

            if (session.Step % config.CheckpointEvery == 0 && session.Step < totalSteps)
            {
                string checkpoint = SaveStepCheckpoint(session, layout, last, config.KeepCheckpoints);
                WriteHistory(history, layout, session.Step);
                if (scorer is not null)
                {
                    ScoreCheckpoint(scorer, scores, session, layout, checkpoint);
                }
            }

            // Reported after the step's files, so a checkpoint's score arrives with the figures of its step. The last
            // step waits for the final checkpoint and its score.
            lastProgress = stepProgress with { LatestScore = scores.Records.LastOrDefault() };
            if (session.Step < totalSteps)
            {
                progress?.Report(lastProgress);
            }
        }

        samplePaths.Add(WriteSampleGrid(session, layout));
        string finalCheckpoint = Path.Combine(layout.Checkpoints, FinalCheckpointName);
        WriteHistory(history, layout, session.Step);
        history.WritePlot(layout.LossPlot);
        Notify(TrainingArtifactKind.LossPlot, layout, layout.LossPlot, session.Step);
        CheckpointFile.Save(session, finalCheckpoint, last, time);
        Notify(TrainingArtifactKind.FinalCheckpoint, layout, finalCheckpoint, session.Step);
        if (scorer is not null)
        {
            ScoreCheckpoint(scorer, scores, session, layout, finalCheckpoint);
        }

        if (lastProgress is not null)
        {
            progress?.Report(lastProgress with { LatestScore = scores.Records.LastOrDefault() });
        }

        TimeSpan duration = time.GetElapsedTime(startTimestamp);
        double imagesPerSecond = (session.Step - firstStep) * config.BatchSize / Math.Max(duration.TotalSeconds, 1e-9);
        return new TrainingResult(
            session.Step,
            totalEpochs,
            last?.DiscriminatorLoss ?? float.NaN,
            last?.GeneratorLoss ?? float.NaN,
            imagesPerSecond,
            duration,
            finalCheckpoint,
            layout.LossHistory,
            layout.LossPlot,
            samplePaths)
        {
            Scores = [.. scores.Records],
            BestScore = scorer is null ? null : scores.Best(scorer.ClassifierVersion),
            BestCheckpointPath = scorer is null ? null : layout.BestCheckpoint,
            ScoreHistoryPath = scorer is null ? null : layout.ScoreHistory,
        };
    }

    /// <summary>
    /// Scores the generator as the checkpoint at <paramref name="checkpoint"/>, rewrites <c>scores.csv</c>, and copies
    /// the checkpoint to <c>best.ckpt</c> when its Fréchet distance is the lowest so far.
    /// </summary>
    private void ScoreCheckpoint(
        CheckpointScorer scorer,
        ScoreHistory scores,
        TrainingSession session,
        OutputLayout layout,
        string checkpoint)
    {
        CheckpointScore score = scorer.Score(session.Generator, session.Step, session.Device);
        scores.Add(score);
        scores.WriteCsv(layout.ScoreHistory);
        Notify(TrainingArtifactKind.ScoreHistory, layout, layout.ScoreHistory, session.Step);
        if (scores.Best(scorer.ClassifierVersion)?.Step != score.Step)
        {
            return;
        }

        // Copied through a temporary file and a rename, so best.ckpt is never a partly written file.
        string temporary = layout.BestCheckpoint + ".tmp";
        File.Copy(checkpoint, temporary, overwrite: true);
        File.Move(temporary, layout.BestCheckpoint, overwrite: true);
        Notify(TrainingArtifactKind.BestCheckpoint, layout, layout.BestCheckpoint, session.Step, score);
    }

    private string WriteSampleGrid(TrainingSession session, OutputLayout layout)
    {
        using Tensor samples = session.SampleFixed();
        string path = Path.Combine(layout.Samples, $"step-{session.Step:D8}.png");
        File.WriteAllBytes(path, PngWriter.EncodeGrid(samples));
        Notify(TrainingArtifactKind.SampleGrid, layout, path, session.Step);
        return path;
    }

    private void WriteHistory(LossHistory history, OutputLayout layout, long step)
    {
        history.WriteCsv(layout.LossHistory);
        Notify(TrainingArtifactKind.LossHistory, layout, layout.LossHistory, step);
    }

    private void Notify(
        TrainingArtifactKind kind,
        OutputLayout layout,
        string path,
        long step,
        CheckpointScore? score = null)
    {
        string relative = Path.GetRelativePath(layout.Root, path).Replace(Path.DirectorySeparatorChar, '/');
        ArtifactWritten?.Invoke(new TrainingArtifact(kind, path, relative, step) { Score = score });
    }

    private string SaveStepCheckpoint(TrainingSession session, OutputLayout layout, LossRecord? last, int keep)
    {
        string path = Path.Combine(layout.Checkpoints, $"step-{session.Step:D8}{CheckpointFile.Extension}");
        CheckpointFile.Save(session, path, last, time);
        Notify(TrainingArtifactKind.StepCheckpoint, layout, path, session.Step);
        string[] stepCheckpoints = Directory.GetFiles(layout.Checkpoints, "step-*" + CheckpointFile.Extension)
            .Order(StringComparer.Ordinal)
            .ToArray();
        foreach (string old in stepCheckpoints.Take(Math.Max(0, stepCheckpoints.Length - Math.Max(keep, 1))))
        {
            File.Delete(old);
        }

        return path;
    }

    private sealed record OutputLayout(string Root)
    {
        public string Checkpoints => Path.Combine(Root, "checkpoints");

        public string Samples => Path.Combine(Root, "samples");

        public string LossHistory => Path.Combine(Root, "losses.csv");

        public string LossPlot => Path.Combine(Root, "losses.png");

        public string ScoreHistory => Path.Combine(Root, "scores.csv");

        public string BestCheckpoint => Path.Combine(Checkpoints, BestCheckpointName);

        public void Create()
        {
            Directory.CreateDirectory(Checkpoints);
            Directory.CreateDirectory(Samples);
        }
    }
}
