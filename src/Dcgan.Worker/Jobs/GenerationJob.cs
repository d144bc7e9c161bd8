using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
using Dcgan.Contracts;
using Dcgan.Engine.Imaging;
using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using Dcgan.Worker.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Runs one delivery of a generation command: replays a finished job, or samples the images on a dedicated thread
/// while a few tasks encode them as PNG and upload them, then stores the grid, the manifest last, and publishes
/// <see cref="GenerationCompleted"/>.
/// </summary>
internal sealed partial class GenerationJob(
    IArtifactStore store,
    JobManifestStore manifests,
    GeneratorCache generators,
    IOptions<WorkerOptions> workerOptions,
    TimeProvider time,
    ILogger<GenerationJob> logger)
{
    // Images encoded and uploaded at once. The queue holds up to one batch of sampled images, so the next batch
    // is sampled while the previous one is encoded and uploaded. Sampling blocks when the queue is full, which
    // bounds memory to about two batches of 8-bit images besides the batch being sampled.
    private const int ParallelUploads = 4;

    // The grid contains as many images, in order, as fit in 2048 × 2048 pixels (4096 at 32 × 32, 256 at 128 × 128),
    // which bounds its memory to about 50 MB for RGB.
    private const long MaxGridPixels = 2048L * 2048;

    /// <summary>Runs the job.</summary>
    /// <exception cref="InvalidJobException">The model does not exist.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task RunAsync(GenerationRequest request, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        long startTimestamp = time.GetTimestamp();
        string jobId = request.JobId;
        JobManifest? finished = await manifests.TryReadAsync(store, jobId, cancellationToken);
        if (finished is not null)
        {
            await publisher.Publish(CompletionEvents.Generation(finished, store, isReplay: true), cancellationToken);
            LogReplayed(logger, jobId, finished.CreatedAt);
            return;
        }

        await publisher.Publish(
            new JobStarted
            {
                JobId = jobId,
                Kind = JobKind.Generation,
                WorkerId = WorkerIdentity.WorkerId,
                StartStep = 0,
                StartedAt = time.GetUtcNow(),
            },
            cancellationToken);
        LogStarted(logger, jobId, WorkerIdentity.WorkerId, request.Count, request.ModelDescription, request.Seed);

        using GeneratorLease lease = await generators.TryAcquireAsync(request.CheckpointPath, cancellationToken)
            ?? throw new InvalidJobException(
                $"Model not found: {request.ModelDescription} does not exist at '{request.CheckpointPath}'.",
                [$"Model: {request.ModelDescription} not found at '{request.CheckpointPath}'. Train the model first or check the name."]);

        (StoredArtifact[] images, byte[] grid) = await SampleAndUploadAsync(request, lease.Generator, cancellationToken);
        StoredArtifact gridArtifact = await store.UploadAsync(
            ArtifactPaths.Job(jobId, ArtifactPaths.GridPng),
            new MemoryStream(grid, writable: false),
            ContentTypes.Png,
            cancellationToken);

        TimeSpan duration = time.GetElapsedTime(startTimestamp);
        var manifest = new JobManifest
        {
            JobId = jobId,
            Kind = JobKind.Generation,
            CreatedAt = time.GetUtcNow(),
            Command = JsonSerializer.SerializeToElement(request.Command),
            DurationSeconds = duration.TotalSeconds,
            ImageCount = images.Length,
            ImagesPerSecond = images.Length / Math.Max(duration.TotalSeconds, 1e-9),
            Artifacts = [.. images.Append(gridArtifact).Select(ManifestEntry.FromStored)],
        };
        await manifests.WriteAsync(store, manifest, cancellationToken);
        await publisher.Publish(CompletionEvents.Generation(manifest, store, isReplay: false), cancellationToken);
        LogCompleted(logger, jobId, images.Length, duration.TotalMilliseconds, manifest.ImagesPerSecond ?? 0);
    }

    private async Task<(StoredArtifact[] Images, byte[] Grid)> SampleAndUploadAsync(
        GenerationRequest request,
        CachedGenerator generator,
        CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Channel<SampledImage> queue = Channel.CreateBounded<SampledImage>(
            new BoundedChannelOptions(workerOptions.Value.GenerationBatchSize) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var stored = new StoredArtifact[request.Count];
        List<Task> tasks = [.. Enumerable.Range(0, ParallelUploads).Select(_ => Task.Run(
            () => EncodeAndUploadAsync(request.JobId, generator.Info.Config.Model, queue.Reader, stored, failed),
            CancellationToken.None))];
        Task<byte[]> sampling = DedicatedThread.RunAsync(() => Sample(request, generator, queue.Writer, failed));
        tasks.Add(sampling);
        await WhenAllRootCauseAsync(tasks);
        return (stored, sampling.Result);
    }

    private async Task EncodeAndUploadAsync(
        string jobId,
        ModelConfig model,
        ChannelReader<SampledImage> queue,
        StoredArtifact[] stored,
        CancellationTokenSource failed)
    {
        try
        {
            await foreach (SampledImage image in queue.ReadAllAsync(failed.Token))
            {
                byte[] png = PngWriter.Encode(
                    image.Pixels.AsSpan(image.Offset, model.Channels * model.ImageSize * model.ImageSize),
                    model.Channels,
                    model.ImageSize,
                    model.ImageSize);
                stored[image.Index] = await store.UploadAsync(
                    ArtifactPaths.Job(jobId, ArtifactPaths.Image(image.Index)),
                    new MemoryStream(png, writable: false),
                    ContentTypes.Png,
                    failed.Token);
            }
        }
        catch
        {
            await failed.CancelAsync();
            throw;
        }
    }

    /// <summary>
    /// Samples all images batch by batch on the calling thread, queues each as 8-bit pixels and returns the grid PNG.
    /// Image i depends only on the seed and i, whatever the batch size.
    /// </summary>
    private byte[] Sample(
        GenerationRequest request,
        CachedGenerator generator,
        ChannelWriter<SampledImage> queue,
        CancellationTokenSource failed)
    {
        ModelConfig model = generator.Info.Config.Model;
        int batchSize = workerOptions.Value.GenerationBatchSize;
        int gridCount = (int)Math.Min(request.Count, MaxGridPixels / (model.ImageSize * model.ImageSize));
        int imageLength = model.Channels * model.ImageSize * model.ImageSize;
        var gridParts = new List<Tensor>();
        try
        {
            for (int first = 0; first < request.Count; first += batchSize)
            {
                int size = Math.Min(batchSize, request.Count - first);
                using Tensor noise = ImageSampler.Noise(request.Seed, first, size, model.LatentSize);
                using Tensor onDevice = noise.to(generator.Device);
                using Tensor batch = generator.Use(network => ImageSampler.Sample(network, onDevice));
                byte[] pixels = PngWriter.ToBytes(batch);
                for (int i = 0; i < size; i++)
                {
                    var image = new SampledImage(first + i, pixels, i * imageLength);
                    queue.WriteAsync(image, failed.Token).AsTask().GetAwaiter().GetResult();
                }

                if (first < gridCount)
                {
                    gridParts.Add(batch.narrow(0, 0, Math.Min(size, gridCount - first)).clone());
                }
            }

            queue.Complete();
            using Tensor gridImages = cat(gridParts, 0);
            return PngWriter.EncodeGrid(gridImages);
        }
        catch (Exception exception)
        {
            queue.TryComplete(exception);
            failed.Cancel();
            throw;
        }
        finally
        {
            foreach (Tensor part in gridParts)
            {
                part.Dispose();
            }
        }
    }

    /// <summary>
    /// Waits for all tasks and rethrows the first failure that is not a cancellation, because the other tasks are
    /// cancelled as a consequence of it. When all failures are cancellations, the first one is rethrown.
    /// </summary>
    private static async Task WhenAllRootCauseAsync(IReadOnlyList<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception first)
        {
            Exception? rootCause = tasks
                .Where(task => task.IsFaulted)
                .Select(task => task.Exception!.GetBaseException())
                .FirstOrDefault(exception => exception is not OperationCanceledException);
            if (rootCause is not null && rootCause != first)
            {
                ExceptionDispatchInfo.Throw(rootCause);
            }

            throw;
        }
    }

    /// <summary>Image <paramref name="Index"/> of the job: its bytes start at <paramref name="Offset"/> in its batch's bytes.</summary>
    private sealed record SampledImage(int Index, byte[] Pixels, int Offset);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Generation job {JobId} started on {WorkerId}: {Count} images from {Model} with seed {Seed}")]
    private static partial void LogStarted(ILogger logger, string jobId, string workerId, int count, string model, long seed);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Generation job {JobId} completed: {Count} images in {ElapsedMs:F0} ms, {ImagesPerSecond:F1} images/s")]
    private static partial void LogCompleted(ILogger logger, string jobId, int count, double elapsedMs, double imagesPerSecond);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Generation job {JobId} had completed at {CompletedAt}, so its result was published again without sampling")]
    private static partial void LogReplayed(ILogger logger, string jobId, DateTimeOffset completedAt);
}
