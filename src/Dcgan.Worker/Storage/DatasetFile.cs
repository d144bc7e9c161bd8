namespace Dcgan.Worker.Storage;

/// <summary>A file of a data-set source: its name relative to the source and its size in bytes.</summary>
public sealed record DatasetFile(string Name, long Size);
