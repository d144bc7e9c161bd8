using System.CommandLine;
using System.Globalization;
using Dcgan.Contracts;
using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;
using Dcgan.Engine.Training;
using Dcgan.Worker.Storage;

namespace Dcgan.Cli;

/// <summary>
/// The <c>dcgan train</c> command: sends a <see cref="TrainModel"/> command to the worker hosted in this process, or
/// to a worker on a RabbitMQ broker, and follows the job's events until it ends.
/// </summary>
internal static class TrainCommand
{
    private static readonly Option<string> Dataset = new Option<string>("--dataset")
    {
        Description = "Built-in data set to train on: fashion-mnist or mnist. Ignored when --image-folder is given.",
        DefaultValueFactory = _ => "fashion-mnist",
    }.OneOf("fashion-mnist", "mnist");

    private static readonly Option<DirectoryInfo?> DataDirectory = new("--data-dir")
    {
        Description = "Folder holding the data set's four IDX files (gzip or raw). Default: the DCGAN_DATA_DIR " +
            "variable, then the folders Debian's dataset packages install to. Without --broker only.",
    };

    private static readonly Option<DirectoryInfo?> ImageFolder = new("--image-folder")
    {
        Description = "Folder of PNG or JPEG images, subfolders included, to train on instead of a built-in data " +
            "set; images are centre-cropped and resized, and unreadable files are reported and skipped. Without " +
            "--broker only.",
    };

    private static readonly Option<int?> Limit = new Option<int?>("--limit")
    {
        Description = "Train on the first N images only (default: all).",
    }.AtLeast(1, "images");

    private static readonly Option<DirectoryInfo> Output = new("--output", "-o")
    {
        Description = "Folder of the job's files: jobs/JOB-ID/checkpoints/final.ckpt, samples/, losses.csv, " +
            "losses.png and manifest.json under it. With --broker the files are downloaded there when " +
            "--storage-connection-string is set.",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "train")),
    };

    private static readonly Option<string?> JobId = JobIds.CreateOption(
        "--job-id",
        "Job id: 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'. Default: the --output folder's name and the UTC " +
        "time, such as fashion-20261204-171500. Running again with the same id and --output resumes the job from " +
        "its newest stored checkpoint (after Ctrl+C, for example), or prints its result again when it has finished.");

    private static readonly Option<int> Epochs = new Option<int>("--epochs")
    {
        Description = "Passes over the data set.",
        DefaultValueFactory = _ => 1,
    }.InRange(1, 10_000);

    private static readonly Option<long?> Steps = new Option<long?>("--steps")
    {
        Description = "Total training steps (batches); overrides --epochs when given.",
    }.InRange(1L, 100_000_000L);

    private static readonly Option<int> BatchSize = new Option<int>("--batch-size")
    {
        Description = "Images per training step.",
        DefaultValueFactory = _ => 64,
    }.InRange(2, 4096);

    private static readonly Option<int> ImageSize = new Option<int>("--image-size")
    {
        Description = "Side of the generated square images in pixels: 16, 32, 64 or 128.",
        DefaultValueFactory = _ => 32,
    }.OneOf(16, 32, 64, 128);

    private static readonly Option<int> Channels = new Option<int>("--channels")
    {
        Description = "Image channels: 1 (grayscale) or 3 (RGB).",
        DefaultValueFactory = _ => 1,
    }.OneOf(1, 3);

    private static readonly Option<int> LatentSize = new Option<int>("--latent-size")
    {
        Description = "Length of the generator's input noise vector z.",
        DefaultValueFactory = _ => 100,
    }.InRange(1, 4096);

    private static readonly Option<int> GeneratorFeatures = new Option<int>("--g-features")
    {
        Description = "Feature maps in the generator's last hidden layer (earlier layers use multiples).",
        DefaultValueFactory = _ => 64,
    }.InRange(1, 1024);

    private static readonly Option<int> DiscriminatorFeatures = new Option<int>("--d-features")
    {
        Description = "Feature maps in the discriminator's first layer (later layers use multiples).",
        DefaultValueFactory = _ => 64,
    }.InRange(1, 1024);

    private static readonly Option<double> LearningRate = new Option<double>("--lr")
    {
        Description = "Adam learning rate for both networks.",
        DefaultValueFactory = _ => 2e-4,
    }.InRange(1e-8, 1.0);

    private static readonly Option<double> Beta1 = new Option<double>("--beta1")
    {
        Description = "Adam beta1 (momentum of the gradient average).",
        DefaultValueFactory = _ => 0.5,
    }.InRange(0.0, 0.9999);

    private static readonly Option<double> Beta2 = new Option<double>("--beta2")
    {
        Description = "Adam beta2 (momentum of the squared-gradient average).",
        DefaultValueFactory = _ => 0.999,
    }.InRange(0.0, 0.99999);

    private static readonly Option<long> Seed = new("--seed")
    {
        Description = "Random seed for weights, data order and noise; on the CPU the same seed gives the same run.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<string> Device = new Option<string>("--device")
    {
        Description = "Where to train: auto (a GPU when present, else the CPU), cpu or cuda. Without --broker " +
            "only; a remote worker uses its own Dcgan:Device setting.",
        DefaultValueFactory = _ => "auto",
    }.OneOf("auto", "cpu", "cuda");

    private static readonly Option<int> CheckpointEvery = new Option<int>("--checkpoint-every")
    {
        Description = "Steps between checkpoints; a final checkpoint is always written.",
        DefaultValueFactory = _ => 500,
    }.InRange(1, int.MaxValue);

    private static readonly Option<int> SampleEvery = new Option<int>("--sample-every")
    {
        Description = "Steps between sample grids drawn from one fixed noise batch.",
        DefaultValueFactory = _ => 250,
    }.InRange(1, int.MaxValue);

    private static readonly Option<int?> EvaluateImages = new Option<int?>("--evaluate-images")
    {
        Description = "Generated images scored at each checkpoint against the training images, such as 2000: Fréchet " +
            "distance, precision and recall in the features of the project's Fashion-MNIST classifier. Needs " +
            "--image-size 32 and --channels 1. The job then also stores scores.csv and checkpoints/best.ckpt, a copy " +
            "of the checkpoint with the lowest distance, and the summary prints its step and score. Default: no " +
            "scores, or the worker's Dcgan:Training:EvaluationImages with --broker.",
    }.ZeroOrInRange(TrainingConfig.MinEvaluationImages, TrainingConfig.MaxEvaluationImages, "to train without scores");

    private static readonly ClientOptions Client = new(
        "--train-queue",
        "dcgan-train",
        "Maximum time to wait for the job, such as 90m or 12h (default: no limit). Without --broker the job then " +
        "stops and stores a checkpoint; with --broker it keeps running on the worker.");

    public static Command Create()
    {
        var command = new Command(
            "train",
            "Train a DCGAN on Fashion-MNIST, MNIST or a folder of images. Without --broker the worker runs in this " +
            "process and stores the job's files under --output. With --broker (or DCGAN_BROKER) a worker on that " +
            "RabbitMQ broker trains, and this command follows the job's events. Ctrl+C stops the job after it stores " +
            "a checkpoint; with --broker it only stops following, and the job keeps running on the worker.")
        {
            Dataset, DataDirectory, ImageFolder, Limit, Output, JobId, Epochs, Steps, BatchSize, ImageSize, Channels,
            LatentSize, GeneratorFeatures, DiscriminatorFeatures, LearningRate, Beta1, Beta2, Seed, Device,
            CheckpointEvery, SampleEvery, EvaluateImages,
        };
        Client.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
            CommandErrors.RunAsync(() => RunAsync(parse, cancellationToken)));
        return command;
    }

    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        ClientSettings client = Client.Read(parse, Environment.GetEnvironmentVariable);
        string output = parse.GetValue(Output)!.FullName;
        string jobId = parse.GetValue(JobId)
            ?? JobIds.CreateDefault(new DirectoryInfo(output).Name, kind: null, DateTimeOffset.UtcNow);
        DirectoryInfo? imageFolder = parse.GetValue(ImageFolder);
        CheckScoredShape(parse);
        var request = new TrainingRun(jobId, output, ReadSettings(parse), parse.GetValue(Limit), client);
        if (client.IsEmbedded)
        {
            return RunEmbeddedAsync(parse, request, imageFolder, cancellationToken);
        }

        if (imageFolder is not null)
        {
            throw new ArgumentException(
                "--image-folder cannot be used with --broker, because a remote worker reads user data sets from its " +
                "data-set container. Run without --broker, or upload the images to that container.");
        }

        OptionValidation.WarnIgnoredWithBroker(parse, DataDirectory, Device);
        TrainModel command = request.ToCommand(DatasetReference.FashionMnist(request.Limit) with
        {
            Name = parse.GetValue(Dataset)!,
        });
        return request.RunAsync(command, new Dictionary<string, string?>(), cancellationToken);
    }

    private static Task<int> RunEmbeddedAsync(
        ParseResult parse,
        TrainingRun request,
        DirectoryInfo? imageFolder,
        CancellationToken cancellationToken)
    {
        Dictionary<string, string?> settings = EmbeddedWorker.CreateSettings(request.Output, parse.GetValue(Device)!);
        settings["Dcgan:TrainQueue"] = request.Client.Queue;

        // Limits wider than a shared worker's defaults, because the images are the user's own. Files over 64 MiB are
        // still copied, so the image loader skips and reports them. A folder over 4 GiB (DatasetLimits.MaxTotalBytes)
        // is rejected, because the worker copies it to the temp folder first.
        settings["Dcgan:MaxTrainingImages"] = "1000000";
        settings["Dcgan:Storage:DatasetLimits:MaxFiles"] = "1000000";
        settings["Dcgan:Storage:DatasetLimits:MaxFileBytes"] = (1L << 30).ToString(CultureInfo.InvariantCulture);
        string? dataDirectory = parse.GetValue(DataDirectory)?.FullName;
        if (dataDirectory is not null)
        {
            settings["Dcgan:DataDirectory"] = dataDirectory;
        }

        DatasetReference dataset;
        if (imageFolder is not null)
        {
            (string datasetsRoot, string prefix) = MapImageFolder(imageFolder);
            settings["Dcgan:Storage:LocalDatasets"] = datasetsRoot;
            dataset = new DatasetReference { Kind = DatasetKind.BlobPrefix, Name = prefix, MaxImages = request.Limit };
        }
        else
        {
            // Checked here as well as by the worker, so a missing data set is one plain error message.
            string name = parse.GetValue(Dataset)!;
            MnistFamily.Locate(name, dataDirectory);
            dataset = DatasetReference.FashionMnist(request.Limit) with { Name = name };
        }

        return request.RunAsync(request.ToCommand(dataset), settings, cancellationToken);
    }

    /// <summary>
    /// Maps a local image folder to a blob-prefix data set: the parent folder becomes the worker's data-set folder and
    /// "{folder name}/" the prefix.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The folder has no parent, or its name is not a valid blob prefix.</exception>
    internal static (string DatasetsRoot, string Prefix) MapImageFolder(DirectoryInfo folder)
    {
        string path = Path.TrimEndingDirectorySeparator(folder.FullName);
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"Image folder '{path}' not found.");
        }

        string? parent = Path.GetDirectoryName(path);
        string name = Path.GetFileName(path);
        if (parent is null || name.Length == 0)
        {
            throw new ArgumentException(
                $"--image-folder '{path}' is a root folder: move the images into a subfolder and pass that.");
        }

        string prefix = name + "/";
        if (!ArtifactPaths.TryValidateRelativeBlobName(prefix, "--image-folder name", out string? error))
        {
            throw new ArgumentException($"{error} Rename the folder, or copy the images into one with a plain name.");
        }

        return (parent, prefix);
    }

    // Checked here as well as by the worker, so the error names the options rather than the command's settings.
    private static void CheckScoredShape(ParseResult parse)
    {
        int imageSize = parse.GetValue(ImageSize);
        int channels = parse.GetValue(Channels);
        if (parse.GetValue(EvaluateImages) > 0 && (imageSize != FeatureClassifier.ImageSize || channels != 1))
        {
            throw new ArgumentException(
                $"--evaluate-images needs --image-size {FeatureClassifier.ImageSize} and --channels 1, the input of the " +
                $"scoring classifier, but the job has --image-size {imageSize} and --channels {channels}. Change them, " +
                "or train without --evaluate-images.");
        }
    }

    private static TrainingSettings ReadSettings(ParseResult parse)
    {
        return new TrainingSettings
        {
            ImageSize = parse.GetValue(ImageSize),
            Channels = parse.GetValue(Channels),
            LatentSize = parse.GetValue(LatentSize),
            GeneratorFeatures = parse.GetValue(GeneratorFeatures),
            DiscriminatorFeatures = parse.GetValue(DiscriminatorFeatures),
            BatchSize = parse.GetValue(BatchSize),
            Epochs = parse.GetValue(Epochs),
            MaxSteps = parse.GetValue(Steps),
            LearningRate = parse.GetValue(LearningRate),
            Beta1 = parse.GetValue(Beta1),
            Beta2 = parse.GetValue(Beta2),
            Seed = parse.GetValue(Seed),
            CheckpointEvery = parse.GetValue(CheckpointEvery),
            SampleEvery = parse.GetValue(SampleEvery),
            EvaluationImages = parse.GetValue(EvaluateImages),
        };
    }
}
