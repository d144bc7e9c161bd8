namespace Dcgan.Contracts;

/// <summary>A stored artifact: its name relative to the artifact store and its full address.</summary>
/// <param name="Path">Name relative to the store, such as "jobs/abc/checkpoints/final.ckpt".</param>
/// <param name="Uri">Full address: a blob URL for Blob Storage, a file URI for the local folder store.</param>
public sealed record ArtifactLocation(string Path, Uri Uri);
