using Dcgan.Contracts;

namespace Dcgan.Worker.Jobs;

/// <summary>A validated generation command and the checkpoint its model reference names.</summary>
/// <param name="Command">The command as received, with a valid job id and count.</param>
/// <param name="CheckpointPath">Store path of the checkpoint to sample from, not yet known to exist.</param>
/// <param name="ModelDescription">The model reference as the command gave it, for messages.</param>
internal sealed record GenerationRequest(GenerateImages Command, string CheckpointPath, string ModelDescription)
{
    /// <summary>Valid job id.</summary>
    public string JobId => Command.JobId;

    /// <summary>Images to generate, within the worker's limit.</summary>
    public int Count => Command.Count;

    /// <summary>Seed of the noise.</summary>
    public long Seed => Command.Seed;
}
