using Dcgan.Contracts;
using Dcgan.Engine.Training;

namespace Dcgan.Worker.Jobs;

/// <summary>Conversion of the engine's checkpoint scores to the form that events and manifests carry.</summary>
internal static class GeneratorScores
{
    /// <summary>Returns <paramref name="score"/> as a <see cref="GeneratorScore"/>.</summary>
    public static GeneratorScore ToMessage(this CheckpointScore score) => new()
    {
        Step = score.Step,
        FrechetDistance = score.FrechetDistance,
        Precision = score.Precision,
        Recall = score.Recall,
        ClassifierVersion = score.ClassifierVersion,
    };
}
