using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;
using Dcgan.Engine.Models;
using static TorchSharp.torch;

namespace Dcgan.Engine.Training;

/// <summary>
/// Scores a generator at checkpoints: a fixed set of its images against a fixed subset of the training images, by
/// Fréchet distance, precision and recall in the feature space of a <see cref="FeatureClassifier"/>. The features of
/// the training images are computed once. Sampling runs in eval mode with a noise generator of its own, so scoring
/// changes neither the generator's training mode nor the random state of training.
/// </summary>
internal sealed class CheckpointScorer : IDisposable
{
    /// <summary>Maximum number of training images in the real set.</summary>
    public const int MaxRealImages = 10_000;

    // The same noise at every checkpoint of every run, so that scores differ only through the generator's weights.
    private const long NoiseSeed = 1;

    private readonly FeatureClassifier classifier;
    private readonly Tensor realFeatures;
    private readonly int imageCount;

    private CheckpointScorer(FeatureClassifier classifier, string classifierVersion, Tensor realFeatures, int imageCount)
    {
        this.classifier = classifier;
        this.realFeatures = realFeatures;
        this.imageCount = imageCount;
        ClassifierVersion = classifierVersion;
    }

    /// <summary>Version of the classifier weights, stored with every score.</summary>
    public string ClassifierVersion { get; }

    /// <summary>
    /// Loads the classifier at <paramref name="classifierPath"/> and computes the features of up to
    /// <see cref="MaxRealImages"/> of <paramref name="trainingImages"/>, evenly spaced over the set so that a folder
    /// sorted by class contributes every class.
    /// </summary>
    /// <exception cref="FileNotFoundException">The classifier file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid classifier, or its version name contains a comma or a line break.
    /// </exception>
    /// <exception cref="ArgumentException">There are too few training images for the k-NN manifolds.</exception>
    public static CheckpointScorer Create(string classifierPath, ImageData trainingImages, int imageCount)
    {
        if (trainingImages.Count <= ManifoldMetrics.DefaultNeighbourCount)
        {
            throw new ArgumentException(
                $"Scores need more than {ManifoldMetrics.DefaultNeighbourCount} training images, but the data set has " +
                $"{trainingImages.Count}. Use more images, or train without scores.",
                nameof(trainingImages));
        }

        if (!File.Exists(classifierPath))
        {
            throw new FileNotFoundException(
                $"Classifier file '{classifierPath}' that scores checkpoints is not found: copy the committed " +
                $"models/{ClassifierFile.DefaultFileName} there, or train without scores.",
                classifierPath);
        }

        (FeatureClassifier classifier, ClassifierInfo info) = ClassifierFile.Load(classifierPath);
        try
        {
            if (info.Version.AsSpan().IndexOfAny(",\r\n") >= 0)
            {
                throw new InvalidDataException(
                    $"Classifier file '{classifierPath}' has the version name '{info.Version}', which contains a comma " +
                    "or a line break that scores.csv cannot hold. Save the weights again with a plain version name.");
            }

            Tensor features = FeatureExtractor.Extract(classifier, EvenlySpaced(trainingImages, MaxRealImages));
            return new CheckpointScorer(classifier, info.Version, features, imageCount);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>Scores <paramref name="generator"/>, which lives on <paramref name="device"/>, as the checkpoint of <paramref name="step"/>.</summary>
    public CheckpointScore Score(DcganGenerator generator, long step, Device device)
    {
        ImageData images = QualityEvaluator.GeneratorImages(generator, imageCount, NoiseSeed, device);
        QualityScore score = QualityEvaluator.Score(classifier, realFeatures, images);
        return new CheckpointScore(step, score.FrechetDistance, score.Precision, score.Recall, ClassifierVersion);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        classifier.Dispose();
        realFeatures.Dispose();
    }

    private static ImageData EvenlySpaced(ImageData images, int maximum)
    {
        if (images.Count <= maximum)
        {
            return images;
        }

        var pixels = new byte[(long)maximum * images.ImageLength];
        for (int i = 0; i < maximum; i++)
        {
            long source = (long)i * images.Count / maximum;
            Array.Copy(images.Pixels, source * images.ImageLength, pixels, (long)i * images.ImageLength, images.ImageLength);
        }

        return images with { Pixels = pixels, Count = maximum };
    }
}
