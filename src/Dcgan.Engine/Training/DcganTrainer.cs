using System.Diagnostics;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Data;
using Dcgan.Engine.Imaging;
using static TorchSharp.torch;

namespace Dcgan.Engine.Training;

/// <summary>
/// Runs a training loop on the calling thread and writes its files under one output folder:
/// <c>checkpoints/step-NNNNNNNN.ckpt</c>, <c>checkpoints/final.ckpt</c>, <c>samples/step-NNNNNNNN.png</c>,
/// <c>losses.csv</c> and <c>losses.png</c>.
/// </summary>
public sealed class DcganTrainer(TimeProvider? clock = null)
{
    /// <summary>Name of the checkpoint written when training ends.</summary>
    public const string FinalCheckpointName = "final" + CheckpointFile.Extension;

    private readonly TimeProvider time = clock ?? TimeProvider.System;

    /// <summary>
    /// Trains on <paramref name="images"/> until the configured steps or epochs are done. When
    /// <paramref name="resumeFrom"/> names a checkpoint, training continues from its step with its weights,
    /// optimizer states and random state. On cancellation a checkpoint of the last completed step is written
    /// before <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
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

        using TrainingSession session = resumeFrom is null
            ? TrainingSession.Start(config, device)
            : CheckpointFile.LoadSession(resumeFrom, device, config);

        long stepsPerEpoch = data.Count / config.BatchSize;
        long totalSteps = config.MaxSteps ?? config.Epochs * stepsPerEpoch;
        int totalEpochs = (int)((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        LossHistory history = resumeFrom is null ? new LossHistory() : LossHistory.ReadCsv(layout.LossHistory);
        history.TruncateAfter(session.Step);

        long firstStep = session.Step;
        long startTimestamp = time.GetTimestamp();
        LossRecord? last = history.Records.Count > 0 ? history.Records[^1] : null;
        var samplePaths = new List<string>();
        while (session.Step < totalSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                SaveStepCheckpoint(session, layout, last, config.KeepCheckpoints);
                history.WriteCsv(layout.LossHistory);
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
            progress?.Report(new TrainingProgress(
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
                remaining));

            if (session.Step % config.SampleEvery == 0 && session.Step < totalSteps)
            {
                samplePaths.Add(WriteSampleGrid(session, layout));
                history.WriteCsv(layout.LossHistory);
            }

            if (session.Step % config.CheckpointEvery == 0 && session.Step < totalSteps)
            {
                SaveStepCheckpoint(session, layout, last, config.KeepCheckpoints);
                history.WriteCsv(layout.LossHistory);
            }
        }

        samplePaths.Add(WriteSampleGrid(session, layout));
        string finalCheckpoint = Path.Combine(layout.Checkpoints, FinalCheckpointName);
        CheckpointFile.Save(session, finalCheckpoint, last, time);
        history.WriteCsv(layout.LossHistory);
        history.WritePlot(layout.LossPlot);

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
            samplePaths);
    }

    private static string WriteSampleGrid(TrainingSession session, OutputLayout layout)
    {
        using Tensor samples = session.SampleFixed();
        string path = Path.Combine(layout.Samples, $"step-{session.Step:D8}.png");
        File.WriteAllBytes(path, PngWriter.EncodeGrid(samples));
        return path;
    }

    private void SaveStepCheckpoint(TrainingSession session, OutputLayout layout, LossRecord? last, int keep)
    {
        string path = Path.Combine(layout.Checkpoints, $"step-{session.Step:D8}{CheckpointFile.Extension}");
        CheckpointFile.Save(session, path, last, time);
        string[] stepCheckpoints = Directory.GetFiles(layout.Checkpoints, "step-*" + CheckpointFile.Extension)
            .Order(StringComparer.Ordinal)
            .ToArray();
        foreach (string old in stepCheckpoints.Take(Math.Max(0, stepCheckpoints.Length - Math.Max(keep, 1))))
        {
            File.Delete(old);
        }
    }

    private sealed record OutputLayout(string Root)
    {
        public string Checkpoints => Path.Combine(Root, "checkpoints");

        public string Samples => Path.Combine(Root, "samples");

        public string LossHistory => Path.Combine(Root, "losses.csv");

        public string LossPlot => Path.Combine(Root, "losses.png");

        public void Create()
        {
            Directory.CreateDirectory(Checkpoints);
            Directory.CreateDirectory(Samples);
        }
    }
}
