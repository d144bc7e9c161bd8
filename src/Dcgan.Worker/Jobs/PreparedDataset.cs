using Dcgan.Engine.Data;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Training images ready to load on the training thread: a built-in data set found on disk, or a user data set
/// downloaded to a temporary folder that <see cref="Dispose"/> deletes.
/// </summary>
internal sealed class PreparedDataset(string description, Func<ImageData> load, Action? cleanup) : IDisposable
{
    private Action? cleanup = cleanup;

    /// <summary>What the data set is, for log entries, such as "built-in data set 'fashion-mnist'".</summary>
    public string Description { get; } = description;

    /// <summary>Decodes the images. Slow for large data sets, so it runs on the training thread.</summary>
    public ImageData Load() => load();

    public void Dispose()
    {
        Interlocked.Exchange(ref cleanup, null)?.Invoke();
    }
}
