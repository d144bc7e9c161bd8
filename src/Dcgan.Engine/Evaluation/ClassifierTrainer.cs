using System.Diagnostics;
using Dcgan.Engine.Data;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Engine.Evaluation;

/// <summary>Trains a <see cref="FeatureClassifier"/> with Adam and cross-entropy on the CPU, and measures its test accuracy.</summary>
public static class ClassifierTrainer
{
    private const int EvaluationBatchSize = 1000;

    /// <summary>
    /// Trains a new classifier on <paramref name="trainImages"/> and returns it with its accuracy on
    /// <paramref name="testImages"/>. Images of any size are padded or resized to 32×32 grayscale as for GAN training.
    /// The same data, options and seed give the same weights, up to libtorch's thread-dependent rounding.
    /// </summary>
    /// <param name="trainImages">Training images.</param>
    /// <param name="trainLabels">Class 0 to 9 of each training image.</param>
    /// <param name="testImages">Test images.</param>
    /// <param name="testLabels">Class 0 to 9 of each test image.</param>
    /// <param name="options">Epochs, batch size, learning rate and seed.</param>
    /// <param name="epochCompleted">Called after each epoch with the epoch number (from 1) and its mean loss.</param>
    /// <exception cref="ArgumentException">
    /// A label array's length differs from its image count, a label exceeds 9, or the training images do not fill
    /// one batch.
    /// </exception>
    public static ClassifierTrainingResult Train(
        ImageData trainImages,
        byte[] trainLabels,
        ImageData testImages,
        byte[] testLabels,
        ClassifierTrainingOptions options,
        Action<int, double>? epochCompleted = null)
    {
        options.EnsureValid();
        CheckLabels(trainImages, trainLabels, nameof(trainLabels));
        CheckLabels(testImages, testLabels, nameof(testLabels));
        if (trainImages.Count < options.BatchSize)
        {
            throw new ArgumentException(
                $"There are {trainImages.Count} training images, fewer than one batch of {options.BatchSize}: use a " +
                "smaller batch size or more images.",
                nameof(trainImages));
        }

        Stopwatch stopwatch = Stopwatch.StartNew();
        using TrainingData train = TrainingData.Create(trainImages, FeatureClassifier.ImageSize, 1, CPU);
        using Tensor trainTargets = tensor(trainLabels).to_type(ScalarType.Int64);
        var classifier = new FeatureClassifier(options.Seed);
        try
        {
            List<double> losses = TrainEpochs(classifier, train, trainTargets, options, epochCompleted);
            double accuracy = MeasureAccuracy(classifier, testImages, testLabels);
            return new ClassifierTrainingResult(classifier, losses, accuracy, stopwatch.Elapsed);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>Returns the fraction of <paramref name="images"/> whose predicted class equals its label.</summary>
    public static double MeasureAccuracy(FeatureClassifier classifier, ImageData images, byte[] labels)
    {
        CheckLabels(images, labels, nameof(labels));
        using TrainingData data = TrainingData.Create(images, FeatureClassifier.ImageSize, 1, CPU);
        using Tensor targets = tensor(labels).to_type(ScalarType.Int64);
        classifier.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (int start = 0; start < data.Count; start += EvaluationBatchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(EvaluationBatchSize, data.Count - start);
            Tensor indices = arange(start, start + size, ScalarType.Int64);
            Tensor predicted = classifier.forward(data.Batch(indices)).argmax(1);
            correct += predicted.eq(targets.index_select(0, indices)).sum().item<long>();
        }

        return (double)correct / data.Count;
    }

    private static List<double> TrainEpochs(
        FeatureClassifier classifier,
        TrainingData train,
        Tensor targets,
        ClassifierTrainingOptions options,
        Action<int, double>? epochCompleted)
    {
        using var order = new Generator((ulong)options.Seed, CPU);
        using var optimizer = new AdamOptimizer(classifier.parameters(), options.LearningRate, 0.9, 0.999);
        List<double> losses = [];
        classifier.train();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            using Tensor permutation = randperm(train.Count, generator: order);
            double lossSum = 0;
            int batches = 0;

            // A last batch smaller than BatchSize is dropped, so that BatchNorm never normalises a single image.
            for (int start = 0; start + options.BatchSize <= train.Count; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                Tensor indices = permutation.narrow(0, start, options.BatchSize);
                Tensor logits = classifier.forward(train.Batch(indices));
                Tensor loss = nn.functional.cross_entropy(logits, targets.index_select(0, indices));
                optimizer.ZeroGrad();
                loss.backward();
                optimizer.Step();
                lossSum += loss.item<float>();
                batches++;
            }

            double meanLoss = batches == 0 ? double.NaN : lossSum / batches;
            losses.Add(meanLoss);
            epochCompleted?.Invoke(epoch, meanLoss);
        }

        classifier.eval();
        return losses;
    }

    private static void CheckLabels(ImageData images, byte[] labels, string parameterName)
    {
        if (labels.Length != images.Count)
        {
            throw new ArgumentException(
                $"There are {labels.Length} labels for {images.Count} images: expected one label per image.",
                parameterName);
        }

        int invalid = Array.FindIndex(labels, label => label >= FeatureClassifier.ClassCount);
        if (invalid >= 0)
        {
            throw new ArgumentException(
                $"Label {labels[invalid]} at index {invalid} is invalid: expected 0 to {FeatureClassifier.ClassCount - 1}.",
                parameterName);
        }
    }
}
