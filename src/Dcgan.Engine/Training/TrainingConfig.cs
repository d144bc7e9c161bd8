using System.Globalization;
using Dcgan.Engine.Evaluation;
using Dcgan.Engine.Models;

namespace Dcgan.Engine.Training;

/// <summary>
/// Hyperparameters and schedule of one training run. Defaults follow Radford et al. (2015): Adam with
/// learning rate 2e-4 and betas (0.5, 0.999), weights from N(0, 0.02), batch 64.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>Smallest <see cref="EvaluationImages"/> count that turns scoring on.</summary>
    public const int MinEvaluationImages = 100;

    /// <summary>Largest <see cref="EvaluationImages"/> count.</summary>
    public const int MaxEvaluationImages = 10_000;

    /// <summary>Networks to train.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over the data set. Ignored when <see cref="MaxSteps"/> is set.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Total steps to train, counted from step 0 even after a resume; null trains for <see cref="Epochs"/>.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Adam learning rate for both networks.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Adam beta1.</summary>
    public double Beta1 { get; init; } = 0.5;

    /// <summary>Adam beta2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Standard deviation of the initial weights.</summary>
    public double InitStd { get; init; } = 0.02;

    /// <summary>Seed for weights, data order and noise; the same seed gives the same run on the CPU.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Steps between checkpoints; a final checkpoint is always written.</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>Steps between sample grids; a final grid is always written.</summary>
    public int SampleEvery { get; init; } = 500;

    /// <summary>Step checkpoints kept on disk besides the final one; older ones are deleted.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Images in each sample grid, drawn from one fixed noise batch.</summary>
    public int SampleCount { get; init; } = 64;

    /// <summary>Device name: auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// Generated images scored at each checkpoint against the training images, <see cref="MinEvaluationImages"/> to
    /// <see cref="MaxEvaluationImages"/>, or 0 (the default) to train without scores. Scoring needs 32×32 grayscale
    /// networks, because that is the input of the <see cref="FeatureClassifier"/>, and the classifier file named by
    /// <see cref="DcganTrainer.ClassifierPath"/>.
    /// </summary>
    public int EvaluationImages { get; init; }

    /// <summary>Returns every problem with this configuration, each naming the value and what is allowed.</summary>
    public IReadOnlyList<string> Validate() => [.. FindProblems().Select(problem => problem.Message)];

    /// <summary>
    /// Returns every problem with this configuration, with the property each one belongs to: "Model.ImageSize" for
    /// the networks' shape, the property name otherwise.
    /// </summary>
    public IReadOnlyList<ConfigProblem> FindProblems()
    {
        var problems = new List<ConfigProblem>(
            Model.FindProblems().Select(problem => problem with { Property = $"{nameof(Model)}.{problem.Property}" }));
        Check(problems, BatchSize is >= 2 and <= 4096, nameof(BatchSize), "Batch size", BatchSize, "is out of range: use 2 to 4096.");
        Check(problems, Epochs is >= 1 and <= 10_000, nameof(Epochs), "Epochs", Epochs, "is out of range: use 1 to 10000.");
        Check(
            problems,
            MaxSteps is null or (>= 1 and <= 100_000_000),
            nameof(MaxSteps),
            "Max steps",
            MaxSteps,
            "is out of range: use 1 to 100000000, or leave it unset to train by epochs.");

        // NaN fails every comparison, so it is out of range here too.
        Check(
            problems,
            LearningRate is > 0 and <= 1,
            nameof(LearningRate),
            "Learning rate",
            LearningRate,
            "is out of range: use a value above 0 and at most 1.");
        Check(problems, Beta1 is >= 0 and < 1, nameof(Beta1), "Beta1", Beta1, "is out of range: use 0 to below 1.");
        Check(problems, Beta2 is >= 0 and < 1, nameof(Beta2), "Beta2", Beta2, "is out of range: use 0 to below 1.");
        Check(problems, InitStd is > 0 and <= 1, nameof(InitStd), "Initial weight std", InitStd, "is out of range: use above 0 to 1.");
        Check(
            problems,
            CheckpointEvery >= 1,
            nameof(CheckpointEvery),
            "Checkpoint interval",
            CheckpointEvery,
            "is out of range: use 1 or more steps.");
        Check(problems, SampleEvery >= 1, nameof(SampleEvery), "Sample interval", SampleEvery, "is out of range: use 1 or more steps.");
        Check(problems, KeepCheckpoints >= 0, nameof(KeepCheckpoints), "Kept checkpoints", KeepCheckpoints, "is out of range: use 0 or more.");
        Check(problems, SampleCount is >= 1 and <= 1024, nameof(SampleCount), "Sample count", SampleCount, "is out of range: use 1 to 1024.");
        CheckEvaluation(problems);
        if (!DeviceSelector.Names.Contains(Device) && !Device.StartsWith("cuda:", StringComparison.Ordinal))
        {
            problems.Add(new ConfigProblem(nameof(Device), "Device", $"'{Device}'", "is not supported: use auto, cpu, cuda or cuda:N."));
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the configuration is invalid.</summary>
    public void EnsureValid()
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }
    }

    private void CheckEvaluation(List<ConfigProblem> problems)
    {
        const string label = "Evaluation images";
        bool inRange = EvaluationImages is 0 or (>= MinEvaluationImages and <= MaxEvaluationImages);
        Check(
            problems,
            inRange,
            nameof(EvaluationImages),
            label,
            EvaluationImages,
            $"is out of range: use 0 to train without scores, or {MinEvaluationImages} to {MaxEvaluationImages}.");
        bool classifierShape = Model.ImageSize == FeatureClassifier.ImageSize && Model.Channels == 1;
        if (inRange && EvaluationImages > 0 && !classifierShape)
        {
            string channels = Model.Channels == 1 ? "1 channel" : $"{Model.Channels} channels";
            problems.Add(new ConfigProblem(
                nameof(EvaluationImages),
                label,
                EvaluationImages.ToString(CultureInfo.InvariantCulture),
                $"is not supported for image size {Model.ImageSize} with {channels}: scores need image size " +
                $"{FeatureClassifier.ImageSize} with 1 channel, the input of the scoring classifier. Use 0 to train " +
                "without scores."));
        }
    }

    private static void Check<T>(List<ConfigProblem> problems, bool condition, string property, string label, T value, string rule)
        where T : IFormattable
    {
        if (!condition)
        {
            problems.Add(new ConfigProblem(property, label, value.ToString(null, CultureInfo.InvariantCulture), rule));
        }
    }

    private static void Check<T>(List<ConfigProblem> problems, bool condition, string property, string label, T? value, string rule)
        where T : struct, IFormattable
    {
        if (!condition)
        {
            problems.Add(new ConfigProblem(property, label, value?.ToString(null, CultureInfo.InvariantCulture) ?? "(null)", rule));
        }
    }
}
