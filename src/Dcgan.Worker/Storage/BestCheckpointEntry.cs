using Dcgan.Contracts;

namespace Dcgan.Worker.Storage;

/// <summary>The checkpoint of a scored training job with the lowest Fréchet distance, as a <see cref="JobManifest"/> marks it.</summary>
/// <param name="Path">Name of the stored copy relative to the artifact store, such as "jobs/abc/checkpoints/best.ckpt".</param>
/// <param name="Score">Score of the checkpoint, with its step.</param>
public sealed record BestCheckpointEntry(string Path, GeneratorScore Score);
