using System.CommandLine;
using System.Globalization;
using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;

namespace Dcgan.Cli;

/// <summary>
/// The <c>dcgan train-classifier</c> command: trains the Fashion-MNIST classifier whose features
/// <c>dcgan evaluate</c> scores in, prints its test accuracy and saves it.
/// </summary>
internal static class TrainClassifierCommand
{
    private static readonly Option<FileInfo> Output = new("--output", "-o")
    {
        Description = "File to write the classifier to.",
        DefaultValueFactory = _ => new FileInfo(Path.Combine("models", ClassifierFile.DefaultFileName)),
    };

    private static readonly Option<string> Version = new("--version-name")
    {
        Description = "Version name stored in the file and printed with every score. Scores are comparable only " +
            "between runs with the same version, so give retrained weights a new name.",
        DefaultValueFactory = _ => EvaluateCommand.DefaultClassifierVersion,
    };

    private static readonly Option<DirectoryInfo?> DataDirectory = EvaluateCommand.CreateDataDirectoryOption();

    private static readonly Option<int> Epochs = new Option<int>("--epochs")
    {
        Description = "Passes over the training images.",
        DefaultValueFactory = _ => 5,
    }.InRange(1, 1000);

    private static readonly Option<int> BatchSize = new Option<int>("--batch-size")
    {
        Description = "Images per optimizer step.",
        DefaultValueFactory = _ => 128,
    }.InRange(2, 4096);

    private static readonly Option<long> Seed = new("--seed")
    {
        Description = "Seed of the initial weights and of the order of the training images.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int?> Limit = new Option<int?>("--limit")
    {
        Description = "Use only the first N training images and the first N test images, for quick trials.",
    }.InRange(1, int.MaxValue);

    public static Command Create()
    {
        var command = new Command(
            "train-classifier",
            "Train the small Fashion-MNIST CNN whose feature layer 'dcgan evaluate' measures distances in, print its " +
            "test accuracy and save its weights with a version name and their SHA-256.")
        {
            Output, Version, DataDirectory, Epochs, BatchSize, Seed, Limit,
        };
        command.SetAction((parse, _) => CommandErrors.RunAsync(() => Task.FromResult(Run(parse))));
        return command;
    }

    private static int Run(ParseResult parse)
    {
        MnistFamilyFiles files = FashionMnist.Locate(parse.GetValue(DataDirectory)?.FullName);
        int limit = parse.GetValue(Limit) ?? IdxReader.MaxItemCount;
        ImageData trainImages = IdxReader.ReadImages(files.TrainImages, limit);
        byte[] trainLabels = IdxReader.ReadLabels(files.TrainLabels, limit);
        ImageData testImages = IdxReader.ReadImages(files.TestImages, limit);
        byte[] testLabels = IdxReader.ReadLabels(files.TestLabels, limit);
        var options = new ClassifierTrainingOptions
        {
            Epochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(BatchSize),
            Seed = parse.GetValue(Seed),
        };

        Console.WriteLine(
            $"Training the classifier on {trainImages.Count:N0} Fashion-MNIST images from {files.Directory} for " +
            $"{options.Epochs} epochs.");
        ClassifierTrainingResult result = ClassifierTrainer.Train(
            trainImages,
            trainLabels,
            testImages,
            testLabels,
            options,
            (epoch, loss) => Console.WriteLine(
                string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch}/{options.Epochs}: mean loss {loss:F4}")));
        using FeatureClassifier classifier = result.Classifier;

        var info = new ClassifierInfo
        {
            Version = parse.GetValue(Version)!,
            Dataset = MnistFamily.FashionMnistName,
            TestAccuracy = result.TestAccuracy,
            Epochs = options.Epochs,
            Seed = options.Seed,
            TrainingImages = trainImages.Count,
        };
        string output = parse.GetValue(Output)!.FullName;
        ClassifierInfo saved = ClassifierFile.Save(classifier, info, output);

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Test accuracy: {result.TestAccuracy:P2} on {testImages.Count:N0} Fashion-MNIST test images " +
            $"(training took {result.Duration.TotalSeconds:F0} s)."));
        Console.WriteLine($"Saved classifier {saved.Version} to {output} (weights SHA-256 {saved.WeightsSha256}).");
        return CommandErrors.Success;
    }
}
