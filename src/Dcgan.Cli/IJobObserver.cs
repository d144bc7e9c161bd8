using Dcgan.Contracts;

namespace Dcgan.Cli;

/// <summary>Receiver of the events of the one job a command follows. Calls come from the bus's threads.</summary>
internal interface IJobObserver
{
    /// <summary>The worker started the job, or resumed it from a checkpoint.</summary>
    void Started(JobStarted started);

    /// <summary>The training job reached a new step.</summary>
    void Progressed(TrainingProgressed progress);
}
