using System.CommandLine;
using System.Globalization;
using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;
using static TorchSharp.torch;

namespace Dcgan.Cli;

/// <summary>
/// The <c>dcgan evaluate</c> command: scores a folder of images against real Fashion-MNIST test images by Fréchet
/// distance, precision and recall in the feature space of the project's classifier.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>Version name of the classifier weights shipped with the CLI.</summary>
    public const string DefaultClassifierVersion = "fashion-mnist-cnn-1";

    /// <summary>Line printed with every score, because the distance is easily mistaken for an Inception FID.</summary>
    public const string ScaleNote =
        "Note: this Fréchet distance is measured in the features of the project's Fashion-MNIST classifier, not " +
        "Inception, so it is not on the scale of published FIDs (about 21 to 31 for GANs on Fashion-MNIST in " +
        "Lucic et al. 2018, \"Are GANs created equal?\"). Compare it only with scores from the same classifier version.";

    private const long ReferenceSeed = 1;

    private static readonly Option<DirectoryInfo> Images = new("--images", "-i")
    {
        Description = "Folder of PNG or JPEG images to score, subfolders included, such as the images folder of a " +
            "'dcgan generate' job or another tool's output. Unreadable files are reported and skipped.",
        Required = true,
    };

    private static readonly Option<string> Real = new Option<string>("--real")
    {
        Description = "Real data set to compare with: its test images are the reference set.",
        DefaultValueFactory = _ => MnistFamily.FashionMnistName,
    }.OneOf(MnistFamily.FashionMnistName);

    private static readonly Option<DirectoryInfo?> DataDirectory = CreateDataDirectoryOption();

    private static readonly Option<FileInfo?> Classifier = new("--classifier")
    {
        Description = "Classifier file written by 'dcgan train-classifier'. Default: the " +
            $"{ClassifierFile.DefaultFileName} shipped in the models folder next to the dcgan program.",
    };

    private static readonly Option<int> Count = new Option<int>("--count", "-n")
    {
        Description = "Number of real test images to compare with, and the maximum number of images read from " +
            "--images (the first in path order). Equal counts keep the scores comparable.",
        DefaultValueFactory = _ => 10_000,
    }.InRange(10, 10_000);

    private static readonly Option<int> ImageSize = new Option<int>("--image-size")
    {
        Description = "Side in pixels the images are scaled to before scoring: 32 for this project's generators, " +
            "28 for tools that write 28×28 Fashion-MNIST images, which are then padded to 32 like the real images.",
        DefaultValueFactory = _ => FeatureClassifier.ImageSize,
    }.OneOf(28, FeatureClassifier.ImageSize);

    private static readonly Option<int> Neighbours = new Option<int>("--neighbours", "-k")
    {
        Description = "k of the k-nearest-neighbour manifolds of precision and recall.",
        DefaultValueFactory = _ => ManifoldMetrics.DefaultNeighbourCount,
    }.InRange(1, 100);

    private static readonly Option<bool> References = new("--references")
    {
        Description = "Also score the two reference points: --count real training images (the floor) and --count " +
            "images of an untrained generator (the ceiling).",
    };

    /// <summary>Creates the --data-dir option of the Fashion-MNIST files, shared with 'dcgan train-classifier'.</summary>
    public static Option<DirectoryInfo?> CreateDataDirectoryOption() => new("--data-dir")
    {
        Description = "Folder that contains the four Fashion-MNIST IDX files (gzip or raw). Default: the " +
            "DCGAN_DATA_DIR variable, then the folders Debian's dataset packages install to.",
    };

    public static Command Create()
    {
        var command = new Command(
            "evaluate",
            "Score a folder of images against real Fashion-MNIST test images: Fréchet distance, precision and recall " +
            "in the feature space of the project's classifier.")
        {
            Images, Real, DataDirectory, Classifier, Count, ImageSize, Neighbours, References,
        };
        command.SetAction((parse, _) => CommandErrors.RunAsync(() => Task.FromResult(Run(parse))));
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string classifierPath = parse.GetValue(Classifier)?.FullName ?? ClassifierFile.DefaultPath;
        if (!File.Exists(classifierPath))
        {
            throw new FileNotFoundException(
                $"Classifier file '{classifierPath}' not found: pass --classifier, or create it with " +
                "'dcgan train-classifier'.",
                classifierPath);
        }

        int count = parse.GetValue(Count);
        int neighbourCount = parse.GetValue(Neighbours);
        string folder = parse.GetValue(Images)!.FullName;
        ImageFolderResult loaded = ImageFolderLoader.Load(folder, parse.GetValue(ImageSize), 1, count);
        ReportUnreadable(loaded);

        (FeatureClassifier classifier, ClassifierInfo info) = ClassifierFile.Load(classifierPath);
        using FeatureClassifier _ = classifier;
        MnistFamilyFiles files = FashionMnist.Locate(parse.GetValue(DataDirectory)?.FullName);
        ImageData realImages = IdxReader.ReadImages(files.TestImages, count);
        using Tensor realFeatures = FeatureExtractor.Extract(classifier, realImages);

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Classifier {info.Version}: test accuracy {info.TestAccuracy:P2}, weights SHA-256 {info.WeightsSha256}."));
        QualityScore score = QualityEvaluator.Score(classifier, realFeatures, loaded.Images, neighbourCount);
        PrintScore(folder, score, neighbourCount);

        if (parse.GetValue(References))
        {
            ImageData trainImages = IdxReader.ReadImages(files.TrainImages, count);
            PrintScore(
                "Floor, real training images",
                QualityEvaluator.Score(classifier, realFeatures, trainImages, neighbourCount),
                neighbourCount);
            ImageData untrained = QualityEvaluator.UntrainedGeneratorImages(count, ReferenceSeed);
            PrintScore(
                "Ceiling, untrained generator",
                QualityEvaluator.Score(classifier, realFeatures, untrained, neighbourCount),
                neighbourCount);
        }

        Console.WriteLine(ScaleNote);
        return CommandErrors.Success;
    }

    private static void PrintScore(string label, QualityScore score, int neighbourCount)
    {
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{label}: {score.ImageCount:N0} images against {score.RealCount:N0} Fashion-MNIST test images"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Fréchet distance: {score.FrechetDistance:F3}"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"  Precision (k = {neighbourCount}): {score.Precision:F4}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Recall (k = {neighbourCount}): {score.Recall:F4}"));
    }

    private static void ReportUnreadable(ImageFolderResult loaded)
    {
        foreach (UnreadableImage image in loaded.UnreadableImages)
        {
            Console.Error.WriteLine($"Warning: skipped '{image.Path}': {image.Reason}.");
        }
    }
}
