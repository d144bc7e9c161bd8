using Dcgan.Contracts;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Worker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Finds or downloads the images of a training command. Problems that come from the command, such as an empty
/// prefix, a missing or unsafe zip, or a folder without readable images, raise <see cref="InvalidJobException"/>.
/// A built-in data set missing on this worker is a setup problem and raises <see cref="DatasetNotFoundException"/>.
/// </summary>
/// <remarks>
/// A limit of <see cref="DatasetLimits"/> or an unsafe zip entry fails the whole job, because the data set as sent
/// is hostile or too large. One image that cannot be decoded, is truncated or declares more pixels than
/// <see cref="ImageFolderLoader.DefaultMaxPixelCount"/> is skipped and logged as a warning with its name and the
/// reason, and the job trains on the other images. Loading fails when no image is readable, with an error that names
/// the first skipped file and the limit or decoding error, or when more images are requested than one .NET array of
/// pixels can contain.
/// </remarks>
internal sealed partial class DatasetLoader(
    DatasetFetcher fetcher,
    IOptions<WorkerOptions> options,
    ILogger<DatasetLoader> logger)
{
    private const int LoggedUnreadableImages = 3;

    /// <summary>Locates a built-in data set, or downloads a user data set, without decoding images yet.</summary>
    public async Task<PreparedDataset> PrepareAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        DatasetReference dataset = request.Dataset;
        ModelConfig model = request.Config.Model;
        if (dataset.Kind == DatasetKind.BuiltIn)
        {
            MnistFamilyFiles files = MnistFamily.Locate(dataset.Name, options.Value.DataDirectory);
            return new PreparedDataset(
                $"built-in data set '{dataset.Name}' in {files.Directory}",
                () => IdxReader.ReadImages(files.TrainImages, request.MaxImages),
                cleanup: null);
        }

        string folder;
        try
        {
            folder = await fetcher.FetchAsync(dataset, options.Value.WorkDirectory, cancellationToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException)
        {
            throw new InvalidJobException(
                $"Dataset {dataset.Kind} '{dataset.Name}' cannot be used: {exception.Message}",
                [$"Dataset.Name '{dataset.Name}': {exception.Message}"],
                exception);
        }

        return new PreparedDataset(
            $"{dataset.Kind} data set '{dataset.Name}'",
            () => LoadFolder(request.JobId, dataset, folder, model, request.MaxImages),
            () => DeleteFolder(request.JobId, folder));
    }

    private void DeleteFolder(string jobId, string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger, exception, jobId, folder);
        }
    }

    private ImageData LoadFolder(string jobId, DatasetReference dataset, string folder, ModelConfig model, int maxImages)
    {
        ImageFolderResult result;
        try
        {
            result = ImageFolderLoader.Load(folder, model.ImageSize, model.Channels, maxImages);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidJobException(
                $"Dataset {dataset.Kind} '{dataset.Name}' has no readable image: {exception.Message}",
                [$"Dataset.Name '{dataset.Name}': {exception.Message}"],
                exception);
        }
        catch (ArgumentException exception) when (exception.ParamName == "maxCount")
        {
            // The loader's maximum count is the command's Dataset.MaxImages, so the command can be fixed.
            string reason =
                $"Dataset {dataset.Kind} '{dataset.Name}' has more images than fit in memory at once: " +
                $"{exception.Message.Replace(" (Parameter 'maxCount')", string.Empty, StringComparison.Ordinal)} " +
                "Set Dataset.MaxImages accordingly.";
            throw new InvalidJobException(reason, [reason], exception);
        }

        if (result.UnreadableImages.Count > 0)
        {
            string examples = string.Join(
                "; ",
                result.UnreadableImages
                    .Take(LoggedUnreadableImages)
                    .Select(image => $"{Path.GetRelativePath(folder, image.Path)}: {image.Reason}"));
            LogUnreadableImages(logger, jobId, result.UnreadableImages.Count, examples);
        }

        return result.Images;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} could not delete its data set folder {Folder}")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string jobId, string folder);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Training job {JobId} skipped {UnreadableCount} unreadable images, such as: {Examples}")]
    private static partial void LogUnreadableImages(ILogger logger, string jobId, int unreadableCount, string examples);
}
