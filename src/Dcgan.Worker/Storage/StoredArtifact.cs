namespace Dcgan.Worker.Storage;

/// <summary>An artifact as stored: path, content type, size in bytes and SHA-256 of the content (lower-case hex).</summary>
public sealed record StoredArtifact(string Path, string ContentType, long Size, string Sha256);
