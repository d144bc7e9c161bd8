using System.Diagnostics.CodeAnalysis;
using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using Dcgan.Worker.Storage;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Jobs;

/// <summary>
/// Checks commands before any work starts and collects every problem, each naming the field, the value and what
/// is allowed, so one rejection lists them all.
/// </summary>
internal sealed class CommandValidator(
    IOptions<WorkerOptions> workerOptions,
    IOptions<TrainingDefaultsOptions> trainingDefaults)
{
    /// <summary>
    /// Maximum size of a command message in bytes, MassTransit envelope included. A valid command takes a few
    /// kilobytes, because ids have at most 64 characters and blob names at most 512. The limit keeps every event that
    /// repeats a command, such as JobFailed or MassTransit's Fault, far below the broker's max_message_size.
    /// </summary>
    public const int MaxCommandBytes = 64 * 1024;

    private const string ModelPrefix = nameof(TrainingConfig.Model) + ".";

    private static readonly string[] BuiltInDatasets = [MnistFamily.FashionMnistName, MnistFamily.MnistName];

    // Engine settings that a command can set have the same name in TrainingSettings.
    private static readonly HashSet<string> CommandSettings =
        [.. typeof(TrainingSettings).GetProperties().Select(property => property.Name)];

    /// <summary>
    /// Validates a training command received in a message of <paramref name="messageBytes"/> bytes (null when the
    /// transport does not report it). On success <paramref name="request"/> contains the merged configuration.
    /// </summary>
    public bool TryValidate(
        TrainModel command,
        long? messageBytes,
        [NotNullWhen(true)] out TrainingRequest? request,
        out IReadOnlyList<string> errors)
    {
        var found = new List<string>();
        CheckSize(messageBytes, found);
        CheckJobId(command.JobId, "JobId", found);
        int maxImages = CheckDataset(command.Dataset, found);
        TrainingConfig config = trainingDefaults.Value.ToTrainingConfig(
            command.Settings ?? new TrainingSettings(),
            workerOptions.Value.Device);
        CheckSettings(config, found);

        errors = found;
        request = found.Count == 0 ? new TrainingRequest(command, config, maxImages) : null;
        return request is not null;
    }

    /// <summary>
    /// Validates a generation command received in a message of <paramref name="messageBytes"/> bytes (null when the
    /// transport does not report it). On success <paramref name="request"/> names the checkpoint to load.
    /// </summary>
    public bool TryValidate(
        GenerateImages command,
        long? messageBytes,
        [NotNullWhen(true)] out GenerationRequest? request,
        out IReadOnlyList<string> errors)
    {
        WorkerOptions worker = workerOptions.Value;
        var found = new List<string>();
        CheckSize(messageBytes, found);
        CheckJobId(command.JobId, "JobId", found);
        if (command.Count < 1 || command.Count > worker.MaxGenerateCount)
        {
            found.Add($"Count {command.Count} is out of range: use 1 to {worker.MaxGenerateCount}.");
        }

        (string? checkpointPath, string? description) = ResolveModel(command.Model, found);
        errors = found;
        request = found.Count == 0
            ? new GenerationRequest(command, checkpointPath!, description!)
            : null;
        return request is not null;
    }

    /// <summary>Returns the one-sentence reason of a rejection: the only error, or the count and the first.</summary>
    public static string Summarize(string commandName, IReadOnlyList<string> errors) =>
        errors.Count == 1
            ? errors[0]
            : $"The {commandName} command has {errors.Count} problems, listed in Errors. The first is: {errors[0]}";

    private static void CheckSize(long? messageBytes, List<string> found)
    {
        if (messageBytes > MaxCommandBytes)
        {
            found.Add(
                $"The command message has {messageBytes} bytes, more than the {MaxCommandBytes} bytes allowed. A valid " +
                "command takes a few kilobytes, so a field holds far more than its limit.");
        }
    }

    private static void CheckJobId(string? jobId, string field, List<string> found)
    {
        if (!ArtifactPaths.TryValidateJobId(jobId, out string? error))
        {
            found.Add($"{field}: {error}");
        }
    }

    /// <summary>Checks the data set and returns the number of images to load at most.</summary>
    private int CheckDataset(DatasetReference? dataset, List<string> found)
    {
        int workerMaximum = workerOptions.Value.MaxTrainingImages;
        if (dataset is null)
        {
            found.Add("Dataset is missing: set a built-in data set or a blob prefix or zip blob.");
            return workerMaximum;
        }

        CheckDatasetName(dataset, found);
        if (dataset.MaxImages is not { } limit)
        {
            return workerMaximum;
        }

        if (limit < 1 || limit > workerMaximum)
        {
            found.Add(
                $"Dataset.MaxImages {limit} is out of range: use 1 to {workerMaximum}, or leave it unset " +
                "to use the worker's maximum.");
            return workerMaximum;
        }

        return limit;
    }

    private static void CheckDatasetName(DatasetReference dataset, List<string> found)
    {
        switch (dataset.Kind)
        {
            case DatasetKind.BuiltIn:
                if (!BuiltInDatasets.Contains(dataset.Name, StringComparer.Ordinal))
                {
                    found.Add(
                        $"Dataset.Name {ArtifactPaths.Quote(dataset.Name)} is not a built-in data set: use " +
                        $"{string.Join(" or ", BuiltInDatasets)}.");
                }

                break;
            case DatasetKind.BlobPrefix:
                if (!ArtifactPaths.TryValidateRelativeBlobName(dataset.Name, "Dataset.Name", out string? prefixError))
                {
                    found.Add(prefixError);
                }

                break;
            case DatasetKind.ZipBlob:
                if (!ArtifactPaths.TryValidateRelativeBlobName(dataset.Name, "Dataset.Name", out string? zipError))
                {
                    found.Add(zipError);
                }
                else if (dataset.Name!.EndsWith('/'))
                {
                    found.Add(
                        $"Dataset.Name {ArtifactPaths.Quote(dataset.Name)} is invalid for a ZipBlob data set because it " +
                        "ends with '/', which names a prefix. Name one zip blob such as 'sketches.zip', or use BlobPrefix.");
                }

                break;
            default:
                found.Add($"Dataset.Kind {(int)dataset.Kind} is not supported: use BuiltIn, BlobPrefix or ZipBlob.");
                break;
        }
    }

    /// <summary>
    /// Adds the problems of the merged configuration. The worker's defaults passed the same checks when it started, so
    /// each problem comes from a field of the command and is reported under its name in Settings.
    /// </summary>
    private static void CheckSettings(TrainingConfig config, List<string> found)
    {
        foreach (ConfigProblem problem in config.FindProblems())
        {
            string property = problem.Property.StartsWith(ModelPrefix, StringComparison.Ordinal)
                ? problem.Property[ModelPrefix.Length..]
                : problem.Property;
            found.Add(CommandSettings.Contains(property)
                ? $"Settings.{property} {problem.Value} {problem.Rule}"
                : problem.Message);
        }
    }

    private static (string? CheckpointPath, string? Description) ResolveModel(ModelReference? model, List<string> found)
    {
        if (model is null)
        {
            found.Add("Model is missing: set Model.TrainingJobId or Model.CheckpointPath.");
            return (null, null);
        }

        bool hasJob = model.TrainingJobId is not null;
        bool hasPath = model.CheckpointPath is not null;
        if (hasJob == hasPath)
        {
            found.Add(hasJob
                ? $"Model sets both TrainingJobId {ArtifactPaths.Quote(model.TrainingJobId)} and CheckpointPath " +
                    $"{ArtifactPaths.Quote(model.CheckpointPath)}: set exactly one."
                : "Model sets neither TrainingJobId nor CheckpointPath: set exactly one.");
            return (null, null);
        }

        if (hasJob)
        {
            int before = found.Count;
            CheckJobId(model.TrainingJobId, "Model.TrainingJobId", found);
            return found.Count > before
                ? (null, null)
                : (ArtifactPaths.Job(model.TrainingJobId!, "checkpoints/" + DcganTrainer.FinalCheckpointName),
                    $"the final checkpoint of training job '{model.TrainingJobId}'");
        }

        if (!ArtifactPaths.TryValidateRelativeBlobName(model.CheckpointPath, "Model.CheckpointPath", out string? error))
        {
            found.Add(error);
            return (null, null);
        }

        if (GeneratorFile.FindExtension(model.CheckpointPath!) is null)
        {
            found.Add(
                $"Model.CheckpointPath {ArtifactPaths.Quote(model.CheckpointPath)} is not a checkpoint: expected a name " +
                $"ending in {GeneratorFile.ExtensionList}.");
            return (null, null);
        }

        return (model.CheckpointPath, $"checkpoint '{model.CheckpointPath}'");
    }
}
