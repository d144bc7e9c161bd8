namespace Dcgan.Worker.Storage;

/// <summary>One stored artifact listed in a <see cref="JobManifest"/>.</summary>
/// <param name="Path">Name relative to the artifact store, such as "jobs/abc/checkpoints/final.ckpt".</param>
/// <param name="ContentType">MIME type, such as "image/png".</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, lower-case hex.</param>
public sealed record ManifestEntry(string Path, string ContentType, long Size, string Sha256)
{
    /// <summary>Creates the entry of an artifact as the store returned it.</summary>
    public static ManifestEntry FromStored(StoredArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return new ManifestEntry(artifact.Path, artifact.ContentType, artifact.Size, artifact.Sha256);
    }
}
