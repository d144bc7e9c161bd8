using Dcgan.Engine.Evaluation;

namespace Dcgan.Worker;

/// <summary>Scoring of training jobs at their checkpoints, which commands turn on with Settings.EvaluationImages.</summary>
public sealed class EvaluationOptions : IOptionsSection
{
    /// <summary>Configuration section these options bind to.</summary>
    public const string SectionName = "Dcgan:Evaluation";

    /// <summary>
    /// Classifier file used to score checkpoints. The default is the committed <c>models/fashion-classifier.bin</c>,
    /// which the build copies next to the worker. A job that requests scores fails when the file is missing, and
    /// jobs without scores never read it.
    /// </summary>
    [SettingRequired]
    public string ClassifierPath { get; set; } = ClassifierFile.DefaultPath;

    string IOptionsSection.SectionPath => SectionName;
}
