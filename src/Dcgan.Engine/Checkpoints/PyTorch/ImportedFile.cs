namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>Opens files of imported weights with the same message for a missing file in every format.</summary>
internal static class ImportedFile
{
    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static FileStream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Generator weights '{path}' were not found.", path);
        }

        return File.OpenRead(path);
    }
}
