using Dcgan.Contracts;
using Dcgan.Engine.Training;

namespace Dcgan.Worker.Jobs;

/// <summary>A validated training command with its settings merged into an engine configuration.</summary>
/// <param name="Command">The command as received, with a valid job id and data set.</param>
/// <param name="Config">Settings merged with the worker's defaults, in which <see cref="TrainingConfig.Validate"/> found no error.</param>
/// <param name="MaxImages">Images to load at most: the command's limit, capped by the worker's.</param>
internal sealed record TrainingRequest(TrainModel Command, TrainingConfig Config, int MaxImages)
{
    /// <summary>Valid job id.</summary>
    public string JobId => Command.JobId;

    /// <summary>Data set with a valid name.</summary>
    public DatasetReference Dataset => Command.Dataset;
}
