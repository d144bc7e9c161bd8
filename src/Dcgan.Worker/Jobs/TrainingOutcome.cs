namespace Dcgan.Worker.Jobs;

/// <summary>How one delivery of a training command ended without an exception.</summary>
internal enum TrainingOutcome
{
    /// <summary>The delivery did not train: the job was cancelled or invalid, or another delivery runs it.</summary>
    NotRun,

    /// <summary>Training finished, the manifest is stored and TrainingCompleted is published.</summary>
    Completed,

    /// <summary>The job had finished before, and its TrainingCompleted event was published again.</summary>
    Replayed,

    /// <summary>The time slice ended with a stored checkpoint, and the command must be sent again to continue.</summary>
    SliceEnded,
}
