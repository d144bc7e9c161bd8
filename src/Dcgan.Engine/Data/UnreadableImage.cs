namespace Dcgan.Engine.Data;

/// <summary>Image file that was skipped while loading a folder, and why.</summary>
/// <param name="Path">Path of the skipped file.</param>
/// <param name="Reason">Why the file could not be used, such as a decoding error or an exceeded size limit.</param>
public sealed record UnreadableImage(string Path, string Reason);
