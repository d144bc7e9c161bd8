using System.Diagnostics.CodeAnalysis;
using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Data;
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
    private static readonly string[] BuiltInDatasets = [MnistFamily.FashionMnistName, MnistFamily.MnistName];

    /// <summary>Validates a training command. On success <paramref name="request"/> contains the merged configuration.</summary>
    public bool TryValidate(
        TrainModel command,
        [NotNullWhen(true)] out TrainingRequest? request,
        out IReadOnlyList<string> errors)
    {
        WorkerOptions worker = workerOptions.Value;
        var found = new List<string>();
        CheckJobId(command.JobId, "JobId", found);

        DatasetReference? dataset = command.Dataset;
        int maxImages = worker.MaxTrainingImages;
        if (dataset is null)
        {
            found.Add("Dataset is missing: set a built-in data set or a blob prefix or zip blob.");
        }
        else
        {
            CheckDataset(dataset, found);
            if (dataset.MaxImages is { } limit)
            {
                if (limit < 1 || limit > worker.MaxTrainingImages)
                {
                    found.Add(
                        $"Dataset.MaxImages {limit} is out of range: use 1 to {worker.MaxTrainingImages}, or leave it unset " +
                        "to use the worker's maximum.");
                }
                else
                {
                    maxImages = limit;
                }
            }
        }

        TrainingConfig config = trainingDefaults.Value.ToTrainingConfig(command.Settings ?? new TrainingSettings(), worker.Device);
        found.AddRange(config.Validate());

        errors = found;
        request = found.Count == 0 ? new TrainingRequest(command, config, maxImages) : null;
        return request is not null;
    }

    /// <summary>Validates a generation command. On success <paramref name="request"/> names the checkpoint to load.</summary>
    public bool TryValidate(
        GenerateImages command,
        [NotNullWhen(true)] out GenerationRequest? request,
        out IReadOnlyList<string> errors)
    {
        WorkerOptions worker = workerOptions.Value;
        var found = new List<string>();
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

    private static void CheckJobId(string? jobId, string field, List<string> found)
    {
        if (!ArtifactPaths.TryValidateJobId(jobId, out string? error))
        {
            found.Add($"{field}: {error}");
        }
    }

    private static void CheckDataset(DatasetReference dataset, List<string> found)
    {
        switch (dataset.Kind)
        {
            case DatasetKind.BuiltIn:
                if (!BuiltInDatasets.Contains(dataset.Name, StringComparer.Ordinal))
                {
                    string name = dataset.Name is null ? "(null)" : $"'{dataset.Name}'";
                    found.Add($"Dataset.Name {name} is not a built-in data set: use {string.Join(" or ", BuiltInDatasets)}.");
                }

                break;
            case DatasetKind.BlobPrefix:
            case DatasetKind.ZipBlob:
                if (!ArtifactPaths.TryValidateRelativeBlobName(dataset.Name, "Dataset.Name", out string? error))
                {
                    found.Add(error);
                }

                break;
            default:
                found.Add($"Dataset.Kind {(int)dataset.Kind} is not supported: use BuiltIn, BlobPrefix or ZipBlob.");
                break;
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
                ? "Model sets both TrainingJobId and CheckpointPath: set exactly one."
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

        if (!model.CheckpointPath!.EndsWith(CheckpointFile.Extension, StringComparison.Ordinal))
        {
            found.Add(
                $"Model.CheckpointPath '{model.CheckpointPath}' is not a checkpoint: expected a name ending in " +
                $"'{CheckpointFile.Extension}'.");
            return (null, null);
        }

        return (model.CheckpointPath, $"checkpoint '{model.CheckpointPath}'");
    }
}
