using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;

namespace Dcgan.Engine.Tests.Evaluation;

public sealed class ClassifierTrainerTests
{
    private static readonly ClassifierTrainingOptions SmallRun = new() { Epochs = 3, BatchSize = 64, Seed = 5 };

    [Fact]
    public void Train_FashionSubset_LossFallsAndBeatsChance()
    {
        (ImageData trainImages, byte[] trainLabels) = LabelledSubset.Take(0, 1024);
        (ImageData testImages, byte[] testLabels) = LabelledSubset.Take(1024, 512);

        ClassifierTrainingResult result = ClassifierTrainer.Train(trainImages, trainLabels, testImages, testLabels, SmallRun);
        using FeatureClassifier classifier = result.Classifier;

        result.EpochLosses.Count.ShouldBe(3);
        result.EpochLosses[2].ShouldBeLessThan(result.EpochLosses[0] * 0.8);

        // Ten classes make 0.1 chance; a few hundred steps on 1,024 images reach well above 0.5.
        result.TestAccuracy.ShouldBeGreaterThan(0.5);
    }

    [Fact]
    public void Train_MismatchedLabels_Throws()
    {
        (ImageData images, byte[] labels) = LabelledSubset.Take(0, 128);

        Should.Throw<ArgumentException>(() =>
            ClassifierTrainer.Train(images, labels[..100], images, labels, SmallRun)).ParamName.ShouldBe("trainLabels");
    }

    [Fact]
    public void Train_FewerImagesThanBatch_Throws()
    {
        (ImageData images, byte[] labels) = LabelledSubset.Take(0, 32);

        Should.Throw<ArgumentException>(() =>
            ClassifierTrainer.Train(images, labels, images, labels, SmallRun)).ParamName.ShouldBe("trainImages");
    }
}
