namespace Dcgan.Worker.Storage;

/// <summary>
/// Writer of local files that appear only when complete: the content goes to a hidden temporary file in the same
/// folder, which is then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes a file that appears only when complete, like <see cref="WriteAsync{T}"/>.</summary>
    public static Task WriteAsync(
        string targetPath,
        Func<FileStream, CancellationToken, Task> write,
        CancellationToken cancellationToken) =>
        WriteAsync(
            targetPath,
            async (stream, token) =>
            {
                await write(stream, token);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// Creates the target's folder, runs <paramref name="write"/> on a new temporary file, flushes it to disk and
    /// renames it to <paramref name="targetPath"/>, replacing any file there. The temporary file is deleted when
    /// <paramref name="write"/> throws.
    /// </summary>
    public static async Task<T> WriteAsync<T>(
        string targetPath,
        Func<FileStream, CancellationToken, Task<T>> write,
        CancellationToken cancellationToken)
    {
        string folder = Path.GetDirectoryName(targetPath)
            ?? throw new ArgumentException($"Path '{targetPath}' has no parent folder.", nameof(targetPath));
        Directory.CreateDirectory(folder);

        // A leading '.' makes the file hidden, so listings skip it while it is written.
        string temporaryPath = Path.Combine(folder, $".{Path.GetFileName(targetPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            T result;
            await using (FileStream stream = new(
                temporaryPath,
                FileMode.CreateNew,
                FileAccess.Write,
                FileShare.None,
                // Callers write in chunks of their own, so a FileStream buffer would only add a copy and, for the
                // many small image files of a generation job, an allocation per file.
                bufferSize: 0,
                useAsync: true))
            {
                result = await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, targetPath, overwrite: true);
            return result;
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }
}
