using System.CommandLine;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;

namespace Dcgan.Cli;

/// <summary>The <c>dcgan train</c> command: trains on an MNIST-format data set or a folder of images.</summary>
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
            "variable, then the folders Debian's dataset packages install to.",
    };

    private static readonly Option<DirectoryInfo?> ImageFolder = new("--image-folder")
    {
        Description = "Folder of PNG or JPEG images to train on instead of a built-in data set; images are " +
            "centre-cropped and resized, and unreadable files are reported and skipped.",
    };

    private static readonly Option<int?> Limit = new("--limit")
    {
        Description = "Train on the first N images only (default: all).",
    };

    private static readonly Option<DirectoryInfo> Output = new("--output", "-o")
    {
        Description = "Folder for checkpoints, sample grids and the loss history.",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "train")),
    };

    private static readonly Option<int> Epochs = new Option<int>("--epochs")
    {
        Description = "Passes over the data set.",
        DefaultValueFactory = _ => 1,
    }.InRange(1, 10_000);

    private static readonly Option<long?> Steps = new("--steps")
    {
        Description = "Total training steps (batches); overrides --epochs when given.",
    };

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
        Description = "Where to train: auto (a GPU when present, else the CPU), cpu or cuda.",
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

    private static readonly Option<FileInfo?> Resume = new("--resume")
    {
        Description = "Checkpoint to continue from; its step, weights, optimizer states and random state are restored.",
    };

    public static Command Create()
    {
        var command = new Command("train", "Train a DCGAN on Fashion-MNIST, MNIST or a folder of images.")
        {
            Dataset, DataDirectory, ImageFolder, Limit, Output, Epochs, Steps, BatchSize, ImageSize, Channels,
            LatentSize, GeneratorFeatures, DiscriminatorFeatures, LearningRate, Beta1, Beta2, Seed, Device,
            CheckpointEvery, SampleEvery, Resume,
        };
        Limit.Validators.Add(result =>
        {
            int? value = result.GetValueOrDefault<int?>();
            if (value is < 1)
            {
                result.AddError($"--limit {value} is out of range: use 1 or more images.");
            }
        });
        Steps.Validators.Add(result =>
        {
            long? value = result.GetValueOrDefault<long?>();
            if (value is < 1 or > 100_000_000)
            {
                result.AddError($"--steps {value} is out of range: use 1 to 100000000.");
            }
        });
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var config = new TrainingConfig
        {
            Model = new ModelConfig
            {
                ImageSize = parse.GetValue(ImageSize),
                Channels = parse.GetValue(Channels),
                LatentSize = parse.GetValue(LatentSize),
                GeneratorFeatures = parse.GetValue(GeneratorFeatures),
                DiscriminatorFeatures = parse.GetValue(DiscriminatorFeatures),
            },
            BatchSize = parse.GetValue(BatchSize),
            Epochs = parse.GetValue(Epochs),
            MaxSteps = parse.GetValue(Steps),
            LearningRate = parse.GetValue(LearningRate),
            Beta1 = parse.GetValue(Beta1),
            Beta2 = parse.GetValue(Beta2),
            Seed = parse.GetValue(Seed),
            Device = parse.GetValue(Device)!,
            CheckpointEvery = parse.GetValue(CheckpointEvery),
            SampleEvery = parse.GetValue(SampleEvery),
        };

        try
        {
            config.EnsureValid();
            ImageData images = LoadImages(parse, config);
            string output = parse.GetValue(Output)!.FullName;
            string? resume = parse.GetValue(Resume)?.FullName;
            Console.WriteLine(
                $"Training {config.Model.ImageSize}×{config.Model.ImageSize}×{config.Model.Channels} on {images.Count} images, batch {config.BatchSize}, device {config.Device}; output in {output}");

            TrainingResult result = await ConsoleProgress.RunAsync(
                progress => new DcganTrainer().Train(config, images, output, progress, resume, cancellationToken),
                cancellationToken);

            Console.WriteLine(
                $"Done: {result.Steps} steps in {result.Duration:hh\\:mm\\:ss}, {result.ImagesPerSecond:F1} images/s, D loss {result.FinalDiscriminatorLoss:F3}, G loss {result.FinalGeneratorLoss:F3}");
            Console.WriteLine($"Checkpoint: {result.FinalCheckpointPath}");
            Console.WriteLine($"Samples:    {result.SampleGridPaths[^1]}");
            Console.WriteLine($"Losses:     {result.LossHistoryPath}, {result.LossPlotPath}");
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.WriteLine("Training was cancelled; the last completed step was saved as a checkpoint.");
            return 130;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Error: {e.Message}");
            return 1;
        }
    }

    private static ImageData LoadImages(ParseResult parse, TrainingConfig config)
    {
        int? limit = parse.GetValue(Limit);
        DirectoryInfo? folder = parse.GetValue(ImageFolder);
        if (folder is not null)
        {
            ImageFolderResult loaded = ImageFolderLoader.Load(
                folder.FullName,
                config.Model.ImageSize,
                config.Model.Channels,
                limit);
            foreach (UnreadableImage skipped in loaded.UnreadableImages.Take(10))
            {
                Console.Error.WriteLine($"Skipped {skipped.Path}: {skipped.Reason}");
            }

            if (loaded.UnreadableImages.Count > 0)
            {
                Console.Error.WriteLine($"{loaded.UnreadableImages.Count} unreadable files skipped.");
            }

            return loaded.Images;
        }

        string dataset = parse.GetValue(Dataset)!;
        MnistFamilyFiles files = MnistFamily.Locate(dataset, parse.GetValue(DataDirectory)?.FullName);
        return IdxReader.ReadImages(files.TrainImages, limit ?? IdxReader.MaxItemCount);
    }
}
