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

    /// <summary>The checkpoint scores as CSV, written when scoring is on.</summary>
    ScoreHistory,

    /// <summary>
    /// A copy of the checkpoint with the lowest Fréchet distance so far, rewritten whenever a checkpoint scores better.
    /// </summary>
    BestCheckpoint,
}
