using System.Security.Cryptography;
using Dcgan.Engine.Data;
using Dcgan.Engine.Evaluation;
using Dcgan.Engine.Tests.Data;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Evaluation;

public sealed class ClassifierFileTests : IDisposable
{
    private static readonly ClassifierInfo Info = new()
    {
        Version = "test-1",
        Dataset = "fashion-mnist",
        TestAccuracy = 0.5,
        Epochs = 1,
        Seed = 9,
        TrainingImages = 256,
    };

    private readonly TemporaryDirectory directory = new();

    [Fact]
    public void SaveLoad_TrainedClassifier_FeaturesIdentical()
    {
        (ImageData images, byte[] labels) = LabelledSubset.Take(0, 256);
        ClassifierTrainingResult result = ClassifierTrainer.Train(
            images, labels, images, labels, new ClassifierTrainingOptions { Epochs = 1, BatchSize = 64, Seed = 9 });
        using FeatureClassifier trained = result.Classifier;
        string path = directory.Combine("classifier.bin");

        ClassifierInfo saved = ClassifierFile.Save(trained, Info, path);
        (FeatureClassifier loaded, ClassifierInfo loadedInfo) = ClassifierFile.Load(path);
        using FeatureClassifier _ = loaded;
        using Tensor before = FeatureExtractor.Extract(trained, images);
        using Tensor after = FeatureExtractor.Extract(loaded, images);

        loadedInfo.ShouldBe(saved);
        before.equal(after).all().item<bool>().ShouldBeTrue();
    }

    [Fact]
    public void Save_Metadata_RecordsWeightsSha256()
    {
        using var classifier = new FeatureClassifier(seed: 1);
        string path = directory.Combine("classifier.bin");

        ClassifierInfo saved = ClassifierFile.Save(classifier, Info, path);

        byte[] content = File.ReadAllBytes(path);
        int weightsStart = Array.IndexOf(content, (byte)'\n', Array.IndexOf(content, (byte)'\n') + 1) + 1;
        string expected = Convert.ToHexStringLower(SHA256.HashData(content.AsSpan(weightsStart)));
        saved.WeightsSha256.ShouldBe(expected);
    }

    [Fact]
    public void Load_ChangedWeightByte_ThrowsInvalidData()
    {
        using var classifier = new FeatureClassifier(seed: 1);
        string path = directory.Combine("classifier.bin");
        ClassifierFile.Save(classifier, Info, path);
        byte[] content = File.ReadAllBytes(path);
        content[^10] ^= 0x01;
        File.WriteAllBytes(path, content);

        Should.Throw<InvalidDataException>(() => ClassifierFile.Load(path)).Message.ShouldContain("SHA-256");
    }

    [Fact]
    public void Load_OtherFile_ThrowsInvalidData()
    {
        string path = directory.Combine("other.bin");
        File.WriteAllText(path, "not a classifier\n{}\n");

        Should.Throw<InvalidDataException>(() => ClassifierFile.Load(path)).Message.ShouldContain("is not a classifier file");
    }

    [Fact]
    public void Constructor_SameSeed_SameFeatures()
    {
        (ImageData images, byte[] _) = LabelledSubset.Take(0, 16);
        using var first = new FeatureClassifier(seed: 3);
        using var second = new FeatureClassifier(seed: 3);
        using var other = new FeatureClassifier(seed: 4);

        using Tensor firstFeatures = FeatureExtractor.Extract(first, images);
        using Tensor secondFeatures = FeatureExtractor.Extract(second, images);
        using Tensor otherFeatures = FeatureExtractor.Extract(other, images);

        firstFeatures.equal(secondFeatures).all().item<bool>().ShouldBeTrue();
        firstFeatures.equal(otherFeatures).all().item<bool>().ShouldBeFalse();
    }

    public void Dispose() => directory.Dispose();
}
