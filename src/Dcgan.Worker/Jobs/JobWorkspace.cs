using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Jobs;

/// <summary>A job's private folder under the work directory, deleted with everything in it on dispose.</summary>
internal sealed partial class JobWorkspace : IDisposable
{
    private readonly string jobId;
    private readonly ILogger logger;

    private JobWorkspace(string root, string jobId, ILogger logger)
    {
        Root = root;
        this.jobId = jobId;
        this.logger = logger;
    }

    /// <summary>Absolute path of the folder.</summary>
    public string Root { get; }

    /// <summary>
    /// Creates a new folder "{kind}-{jobId}-{random}" under <paramref name="workDirectory"/>. The random part keeps
    /// two deliveries of one job, or two workers sharing the directory, apart.
    /// </summary>
    public static JobWorkspace Create(string workDirectory, string kind, string jobId, ILogger logger)
    {
        string root = Path.Combine(Path.GetFullPath(workDirectory), $"{kind}-{jobId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        return new JobWorkspace(root, jobId, logger);
    }

    /// <summary>Creates the subfolder <paramref name="name"/> unless it exists, and returns its path.</summary>
    public string Folder(string name)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger, exception, jobId, Root);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} could not delete its work folder {Folder}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string jobId, string folder);
}
