using System.ComponentModel.DataAnnotations;
using Dcgan.Contracts;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;

namespace Dcgan.Worker;

/// <summary>
/// Training parameters used for every field a <see cref="TrainingSettings"/> leaves null, plus the ones a command
/// cannot set. Defaults follow the engine's <see cref="TrainingConfig"/>.
/// </summary>
public sealed class TrainingDefaultsOptions : IOptionsSection, IValidatableObject
{
    /// <summary>Configuration section these options bind to.</summary>
    public const string SectionName = "Dcgan:Training";

    /// <summary>Side of the square images in pixels: 16, 32, 64 or 128.</summary>
    [SettingOneOf(16, 32, 64, 128)]
    public int ImageSize { get; set; } = 32;

    /// <summary>Channels: 1 (grayscale) or 3 (RGB).</summary>
    [SettingOneOf(1, 3)]
    public int Channels { get; set; } = 1;

    /// <summary>Length of the latent vector z.</summary>
    [SettingRange(1, 4096)]
    public int LatentSize { get; set; } = 100;

    /// <summary>Generator feature maps in the last hidden layer.</summary>
    [SettingRange(1, 1024)]
    public int GeneratorFeatures { get; set; } = 64;

    /// <summary>Discriminator feature maps in the first layer.</summary>
    [SettingRange(1, 1024)]
    public int DiscriminatorFeatures { get; set; } = 64;

    /// <summary>Images per step.</summary>
    [SettingRange(2, 4096)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Passes over the data, ignored when <see cref="MaxSteps"/> is set.</summary>
    [SettingRange(1, 10_000)]
    public int Epochs { get; set; } = 1;

    /// <summary>Total training steps, or null to train for <see cref="Epochs"/>.</summary>
    [SettingRange(1d, 100_000_000d)]
    public long? MaxSteps { get; set; }

    /// <summary>Adam learning rate.</summary>
    [SettingRange(0d, 1d, MinimumIsExclusive = true)]
    public double LearningRate { get; set; } = 2e-4;

    /// <summary>Adam beta1.</summary>
    [SettingRange(0d, 1d, MaximumIsExclusive = true)]
    public double Beta1 { get; set; } = 0.5;

    /// <summary>Adam beta2.</summary>
    [SettingRange(0d, 1d, MaximumIsExclusive = true)]
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Standard deviation of the initial weights, which commands cannot set.</summary>
    [SettingRange(0d, 1d, MinimumIsExclusive = true)]
    public double InitStd { get; set; } = 0.02;

    /// <summary>Random seed for weights, data order and noise.</summary>
    public long Seed { get; set; } = 1;

    /// <summary>Steps between stored checkpoints.</summary>
    [SettingRange(1, int.MaxValue)]
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>Steps between stored sample grids.</summary>
    [SettingRange(1, int.MaxValue)]
    public int SampleEvery { get; set; } = 500;

    /// <summary>Step checkpoints kept besides the final one, locally and in the store, which commands cannot set.</summary>
    [SettingRange(1, 1000)]
    public int KeepCheckpoints { get; set; } = 3;

    /// <summary>Images in each sample grid, which commands cannot set.</summary>
    [SettingRange(1, 1024)]
    public int SampleCount { get; set; } = 64;

    /// <summary>
    /// Generated images scored at each checkpoint: 0 (no scores) or 100 to 10000, which needs image size 32 with 1
    /// channel.
    /// </summary>
    [SettingRange(0, TrainingConfig.MaxEvaluationImages)]
    public int EvaluationImages { get; set; }

    string IOptionsSection.SectionPath => SectionName;

    /// <summary>Runs the engine's own checks, which also cover rules that span several settings.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (string error in ToTrainingConfig(new TrainingSettings(), "cpu").Validate())
        {
            yield return new ValidationResult($"{SectionName} is invalid: {error}");
        }
    }

    /// <summary>Merges <paramref name="settings"/> with these defaults into an engine configuration, unvalidated.</summary>
    internal TrainingConfig ToTrainingConfig(TrainingSettings settings, string device)
    {
        var model = new ModelConfig
        {
            ImageSize = settings.ImageSize ?? ImageSize,
            Channels = settings.Channels ?? Channels,
            LatentSize = settings.LatentSize ?? LatentSize,
            GeneratorFeatures = settings.GeneratorFeatures ?? GeneratorFeatures,
            DiscriminatorFeatures = settings.DiscriminatorFeatures ?? DiscriminatorFeatures,
        };

        return new TrainingConfig
        {
            Model = model,
            BatchSize = settings.BatchSize ?? BatchSize,
            Epochs = settings.Epochs ?? Epochs,
            MaxSteps = settings.MaxSteps ?? MaxSteps,
            LearningRate = settings.LearningRate ?? LearningRate,
            Beta1 = settings.Beta1 ?? Beta1,
            Beta2 = settings.Beta2 ?? Beta2,
            InitStd = InitStd,
            Seed = settings.Seed ?? Seed,
            CheckpointEvery = settings.CheckpointEvery ?? CheckpointEvery,
            SampleEvery = settings.SampleEvery ?? SampleEvery,
            KeepCheckpoints = KeepCheckpoints,
            SampleCount = SampleCount,
            Device = device,
            EvaluationImages = settings.EvaluationImages ?? EvaluationImages,
        };
    }
}
