using System.Threading.Channels;
using Dcgan.Engine.Training;
using Dcgan.Worker.Storage;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Uploads the files a training run writes, in the order written, while training goes on. Each file is copied to a
/// staging folder on the training thread first, because the trainer rewrites the loss history and deletes old step
/// checkpoints. Stored step checkpoints beyond the newest <c>keepStepCheckpoints</c> are deleted from the store.
/// </summary>
internal sealed partial class ArtifactUploader
{
    private const string StepCheckpointPrefix = "checkpoints/step-";

    private readonly IArtifactStore store;
    private readonly string jobId;
    private readonly string stagingFolder;
    private readonly int keepStepCheckpoints;
    private readonly Action onFailure;
    private readonly ILogger logger;
    private readonly Channel<StagedFile> queue =
        Channel.CreateUnbounded<StagedFile>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Dictionary<string, StoredArtifact> uploaded = new(StringComparer.Ordinal);
    private readonly SortedSet<string> storedStepCheckpoints;
    private readonly Task loop;
    private int sequence;

    /// <summary>Starts the upload loop.</summary>
    /// <param name="store">Destination of the files.</param>
    /// <param name="jobId">Validated job id. Files go to "jobs/{jobId}/{relative path}".</param>
    /// <param name="stagingFolder">Folder for the copies waiting for upload.</param>
    /// <param name="keepStepCheckpoints">Stored step checkpoints to keep, at least 1.</param>
    /// <param name="storedStepCheckpoints">Step checkpoints already in the store from earlier deliveries.</param>
    /// <param name="onFailure">Called once when an upload fails, to stop training early.</param>
    /// <param name="logger">Logger for uploads and deletions.</param>
    /// <param name="cancellationToken">Stops the uploads. It must outlive the job's own token by the upload grace period.</param>
    public ArtifactUploader(
        IArtifactStore store,
        string jobId,
        string stagingFolder,
        int keepStepCheckpoints,
        IEnumerable<string> storedStepCheckpoints,
        Action onFailure,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        this.store = store;
        this.jobId = jobId;
        this.stagingFolder = stagingFolder;
        this.keepStepCheckpoints = Math.Max(1, keepStepCheckpoints);
        this.storedStepCheckpoints = new SortedSet<string>(storedStepCheckpoints, StringComparer.Ordinal);
        this.onFailure = onFailure;
        this.logger = logger;
        loop = Task.Run(() => UploadQueuedAsync(cancellationToken), CancellationToken.None);
    }

    /// <summary>Returns true when a path under a job is a step checkpoint, such as "jobs/a/checkpoints/step-00000500.ckpt".</summary>
    public static bool IsStepCheckpoint(string jobId, string path) =>
        path.StartsWith(ArtifactPaths.JobPrefix(jobId) + StepCheckpointPrefix, StringComparison.Ordinal) &&
        path.EndsWith(Engine.Checkpoints.CheckpointFile.Extension, StringComparison.Ordinal);

    /// <summary>
    /// Copies <paramref name="artifact"/> to the staging folder and queues it. Runs on the training thread, from
    /// <see cref="DcganTrainer.ArtifactWritten"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">An earlier upload failed, so the job cannot complete.</exception>
    public void Enqueue(TrainingArtifact artifact)
    {
        int number = Interlocked.Increment(ref sequence);
        string staged = Path.Combine(stagingFolder, $"{number:D6}-{Path.GetFileName(artifact.LocalPath)}");
        File.Copy(artifact.LocalPath, staged);
        var file = new StagedFile(ArtifactPaths.Job(jobId, artifact.RelativePath), staged, artifact.Kind);
        if (!queue.Writer.TryWrite(file))
        {
            File.Delete(staged);
            throw new InvalidOperationException(
                $"Job {jobId} stopped uploading after an earlier upload failed, so {artifact.RelativePath} was not stored.");
        }
    }

    /// <summary>Waits until every queued file is stored and returns what was stored, by path.</summary>
    /// <exception cref="Exception">The first upload or deletion that failed.</exception>
    public async Task<IReadOnlyDictionary<string, StoredArtifact>> CompleteAsync()
    {
        queue.Writer.TryComplete();
        await loop;
        return uploaded;
    }

    private async Task UploadQueuedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (StagedFile file in queue.Reader.ReadAllAsync(cancellationToken))
            {
                StoredArtifact stored = await store.UploadFileAsync(
                    file.Path,
                    file.LocalPath,
                    ContentTypes.ForName(file.Path),
                    cancellationToken);
                uploaded[file.Path] = stored;
                File.Delete(file.LocalPath);
                LogUploaded(logger, jobId, file.Path, stored.Size);
                if (file.Kind == TrainingArtifactKind.StepCheckpoint)
                {
                    await DeleteOldStepCheckpointsAsync(file.Path, cancellationToken);
                }
            }
        }
        catch (Exception exception)
        {
            queue.Writer.TryComplete(exception);
            onFailure();
            throw;
        }
    }

    private async Task DeleteOldStepCheckpointsAsync(string newest, CancellationToken cancellationToken)
    {
        storedStepCheckpoints.Add(newest);
        while (storedStepCheckpoints.Count > keepStepCheckpoints)
        {
            string oldest = storedStepCheckpoints.Min!;
            await store.DeleteAsync(oldest, cancellationToken);
            storedStepCheckpoints.Remove(oldest);
            uploaded.Remove(oldest);
            LogDeleted(logger, jobId, oldest);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} stored {Path} ({SizeBytes} bytes)")]
    private static partial void LogUploaded(ILogger logger, string jobId, string path, long sizeBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} deleted old step checkpoint {Path}")]
    private static partial void LogDeleted(ILogger logger, string jobId, string path);

    private sealed record StagedFile(string Path, string LocalPath, TrainingArtifactKind Kind);
}
