using System.CommandLine;
using Dcgan.Contracts;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Training;
using Dcgan.Worker.Storage;

namespace Dcgan.Cli;

/// <summary>
/// The <c>dcgan generate</c> command: sends a <see cref="GenerateImages"/> command to the worker hosted in this process,
/// or to a worker on a RabbitMQ broker, and reports where the images are.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>Time a command waits for a remote worker when --timeout is not given.</summary>
    public static readonly TimeSpan DefaultBrokerTimeout = TimeSpan.FromMinutes(10);

    private static readonly Option<string?> Checkpoint = new("--checkpoint", "-c")
    {
        Description = "Checkpoint to sample from: a .ckpt file of 'dcgan train', or generator weights saved by " +
            "PyTorch (torch.save(generator.state_dict()) as .pth or .pt, or .safetensors) in the layout of PyTorch's " +
            "DCGAN example. Without --broker a local file anywhere, such as " +
            "runs/fashion/jobs/fashion/checkpoints/final.ckpt; one outside --output is copied to " +
            "OUTPUT/models/JOB-ID.EXTENSION first. With --broker a blob name in the worker's artifact container. Use " +
            "either --checkpoint or --model-job.",
    };

    private static readonly Option<string?> ModelJob = JobIds.CreateOption(
        "--model-job",
        "Id of a finished training job whose final checkpoint is used, such as the --job-id of 'dcgan train'. " +
        "Use either --model-job or --checkpoint.");

    private static readonly Option<DirectoryInfo?> Store = new("--store")
    {
        Description = "Folder that contains the --model-job training job: the --output of 'dcgan train'. Default: " +
            "--output. Without --broker only.",
    };

    private static readonly Option<int> Count = new Option<int>("--count", "-n")
    {
        Description = "Number of images to generate.",
        DefaultValueFactory = _ => 64,
    }.InRange(1, 100_000);

    private static readonly Option<long> Seed = new("--seed")
    {
        Description = "Seed of the noise; the same checkpoint, seed and count give the same images.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<DirectoryInfo> Output = new("--output", "-o")
    {
        Description = "Folder of the job's files: jobs/JOB-ID/images/image-00000.png, ..., jobs/JOB-ID/grid.png and " +
            "jobs/JOB-ID/manifest.json under it. It can be the --output of 'dcgan train'. With --broker the files " +
            "are downloaded there when --storage-connection-string is set.",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "generated")),
    };

    private static readonly Option<string?> JobId = JobIds.CreateOption(
        "--job-id",
        "Job id: 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'. Default: the --output folder's name, 'images' " +
        "and the UTC time, such as generated-images-20261204-171500. An id that already finished in --output prints " +
        "its images again without sampling.");

    private static readonly Option<int> BatchSize = new Option<int>("--batch-size")
    {
        Description = "Images generated per forward pass; larger batches are faster and use more memory. Without " +
            "--broker only; a remote worker uses its own Dcgan:GenerationBatchSize setting.",
        DefaultValueFactory = _ => 256,
    }.InRange(1, 4096);

    private static readonly Option<string> Device = new Option<string>("--device")
    {
        Description = "Where to run the generator: auto (a GPU when present, else the CPU), cpu or cuda. Without " +
            "--broker only; a remote worker uses its own Dcgan:Device setting.",
        DefaultValueFactory = _ => "auto",
    }.OneOf("auto", "cpu", "cuda");

    private static readonly ClientOptions Client = new(
        "--generate-queue",
        "dcgan-generate",
        "Maximum time to wait for the images, such as 90s or 30m. Default: 10m with --broker, no limit without.");

    public static Command Create()
    {
        var command = new Command(
            "generate",
            "Generate images from a trained checkpoint. Without --broker the worker runs in this process and stores " +
            "the images under --output. With --broker (or DCGAN_BROKER) a worker on that RabbitMQ broker samples them.")
        {
            Checkpoint, ModelJob, Store, Count, Seed, Output, JobId, BatchSize, Device,
        };
        Client.AddTo(command);
        command.Validators.Add(result =>
        {
            bool hasCheckpoint = result.GetResult(Checkpoint) is not null;
            bool hasModelJob = result.GetResult(ModelJob) is not null;
            if (hasCheckpoint == hasModelJob)
            {
                result.AddError(hasCheckpoint
                    ? "--checkpoint and --model-job are both given: use exactly one."
                    : "No model given: use --checkpoint PATH or --model-job JOB-ID.");
            }
        });
        command.SetAction((parse, cancellationToken) =>
            CommandErrors.RunAsync(() => RunAsync(parse, cancellationToken)));
        return command;
    }

    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        ClientSettings client = Client.Read(parse, Environment.GetEnvironmentVariable);
        string output = parse.GetValue(Output)!.FullName;
        string jobId = parse.GetValue(JobId)
            ?? JobIds.CreateDefault(new DirectoryInfo(output).Name, "images", DateTimeOffset.UtcNow);
        var run = new GenerationRun(jobId, output, client with { Timeout = client.Timeout ?? DefaultTimeout(client) });
        Dictionary<string, string?> settings = [];
        ModelReference model;
        if (client.IsEmbedded)
        {
            Directory.CreateDirectory(output);
            model = PlaceModelInStore(parse, output, jobId);
            settings = EmbeddedWorker.CreateSettings(output, parse.GetValue(Device)!);
            settings["Dcgan:GenerateQueue"] = client.Queue;
            settings["Dcgan:GenerationBatchSize"] = parse.GetValue(BatchSize).ToString(System.Globalization.CultureInfo.InvariantCulture);

            // The option's own maximum, which is wider than a shared worker's default of 10,000.
            settings["Dcgan:MaxGenerateCount"] = "100000";
        }
        else
        {
            OptionValidation.WarnIgnoredWithBroker(parse, Store, BatchSize, Device);
            string? checkpoint = parse.GetValue(Checkpoint);
            model = checkpoint is not null
                ? new ModelReference { CheckpointPath = checkpoint }
                : ModelReference.FromTrainingJob(parse.GetValue(ModelJob)!);
        }

        var command = new GenerateImages { JobId = jobId, Model = model, Count = parse.GetValue(Count), Seed = parse.GetValue(Seed) };
        return run.RunAsync(command, settings, cancellationToken);
    }

    private static TimeSpan? DefaultTimeout(ClientSettings client) => client.IsEmbedded ? null : DefaultBrokerTimeout;

    /// <summary>
    /// Returns a reference to the requested checkpoint in the local store at <paramref name="output"/>: the training
    /// job itself when --store is --output, the file's name when it already lies under --output, and otherwise a copy
    /// at "models/{jobId}" with the file's extension, such as "models/{jobId}.pth".
    /// </summary>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    /// <exception cref="ArgumentException">The checkpoint's name has no supported extension.</exception>
    private static ModelReference PlaceModelInStore(ParseResult parse, string output, string jobId)
    {
        string checkpointFile;
        string extension = CheckpointFile.Extension;
        string? modelJob = parse.GetValue(ModelJob);
        if (modelJob is not null)
        {
            string store = parse.GetValue(Store)?.FullName ?? output;
            string name = ArtifactPaths.Job(modelJob, "checkpoints/" + DcganTrainer.FinalCheckpointName);
            checkpointFile = ArtifactDownloader.LocalPath(store, name);
            if (!File.Exists(checkpointFile))
            {
                throw new FileNotFoundException(
                    $"Training job '{modelJob}' has no final checkpoint at '{checkpointFile}': check --model-job, and " +
                    "--store, which is the --output of 'dcgan train', and that the job finished.",
                    checkpointFile);
            }

            if (SameFolder(store, output))
            {
                return ModelReference.FromTrainingJob(modelJob);
            }
        }
        else
        {
            checkpointFile = Path.GetFullPath(parse.GetValue(Checkpoint)!);
            if (!File.Exists(checkpointFile))
            {
                throw new FileNotFoundException($"Checkpoint '{checkpointFile}' was not found.", checkpointFile);
            }

            extension = GeneratorFile.FindExtension(checkpointFile)
                ?? throw new ArgumentException(
                    $"--checkpoint '{checkpointFile}' is not a supported file: use a name ending in " +
                    $"{GeneratorFile.ExtensionList}.");
            string relative = Path.GetRelativePath(output, checkpointFile).Replace(Path.DirectorySeparatorChar, '/');
            if (!Path.IsPathRooted(relative)
                && ArtifactPaths.TryValidateRelativeBlobName(relative, "--checkpoint", out _))
            {
                return new ModelReference { CheckpointPath = relative };
            }
        }

        string copy = $"models/{jobId}{extension}";
        string copyPath = ArtifactDownloader.LocalPath(output, copy);
        Directory.CreateDirectory(Path.GetDirectoryName(copyPath)!);
        File.Copy(checkpointFile, copyPath, overwrite: true);
        return new ModelReference { CheckpointPath = copy };
    }

    private static bool SameFolder(string left, string right) =>
        string.Equals(
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(left)),
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(right)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
