namespace Dcgan.Engine.Training;

/// <summary>Kinds of files a training run writes.</summary>
public enum TrainingArtifactKind
{
    /// <summary>A checkpoint written every N steps; older ones are deleted as newer ones arrive.</summary>
    StepCheckpoint,

    /// <summary>The checkpoint written when training ends.</summary>
    FinalCheckpoint,

    /// <summary>A PNG grid from the fixed noise batch.</summary>
    SampleGrid,

    /// <summary>The loss history as CSV.</summary>
    LossHistory,

    /// <summary>The loss history drawn as PNG.</summary>
    LossPlot,
}
