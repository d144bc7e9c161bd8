using Dcgan.Engine.Data;

namespace Dcgan.Engine.Tests.Data;

// Reads the real data set, which the Debian package dataset-fashion-mnist installs.
public sealed class FashionMnistTests
{
    private const int TrainCount = 60_000;
    private const int TestCount = 10_000;
    private const int Side = 28;

    [Fact]
    public void Locate_InstalledDataSet_FindsFourFiles()
    {
        MnistFamilyFiles files = FashionMnist.Locate(null);

        File.Exists(files.TrainImages).ShouldBeTrue();
        File.Exists(files.TrainLabels).ShouldBeTrue();
        File.Exists(files.TestImages).ShouldBeTrue();
        File.Exists(files.TestLabels).ShouldBeTrue();
    }

    [Fact]
    public void ReadImages_TrainFirst1000_ReadsSubset()
    {
        MnistFamilyFiles files = FashionMnist.Locate(null);

        ImageData images = IdxReader.ReadImages(files.TrainImages, maxCount: 1000);

        images.Count.ShouldBe(1000);
        images.Channels.ShouldBe(1);
        images.Height.ShouldBe(Side);
        images.Width.ShouldBe(Side);
        images.Pixels.Length.ShouldBe(1000 * Side * Side);
        images.Pixels.ShouldContain(value => value > 0);
    }

    [Fact]
    public void ReadImages_TrainFull_Reads60000()
    {
        MnistFamilyFiles files = FashionMnist.Locate(null);

        ImageData images = IdxReader.ReadImages(files.TrainImages);
        ImageData subset = IdxReader.ReadImages(files.TrainImages, maxCount: 1000);

        images.Count.ShouldBe(TrainCount);
        images.Height.ShouldBe(Side);
        images.Width.ShouldBe(Side);
        images.Pixels.Length.ShouldBe(TrainCount * Side * Side);
        images.Pixels.AsSpan(0, subset.Pixels.Length).SequenceEqual(subset.Pixels).ShouldBeTrue();
    }

    [Fact]
    public void ReadLabels_Train_AreClassIndices()
    {
        MnistFamilyFiles files = FashionMnist.Locate(null);

        byte[] labels = IdxReader.ReadLabels(files.TrainLabels);

        labels.Length.ShouldBe(TrainCount);
        labels.Max().ShouldBe((byte)(FashionMnist.ClassNames.Length - 1));
        labels.Distinct().Count().ShouldBe(FashionMnist.ClassNames.Length);
    }

    [Fact]
    public void ReadImages_TestSet_MatchesLabelCount()
    {
        MnistFamilyFiles files = FashionMnist.Locate(null);

        ImageData images = IdxReader.ReadImages(files.TestImages);
        byte[] labels = IdxReader.ReadLabels(files.TestLabels);

        images.Count.ShouldBe(TestCount);
        labels.Length.ShouldBe(TestCount);
    }

    [Fact]
    public void ClassNames_TenClasses_InLabelOrder()
    {
        FashionMnist.ClassNames.Length.ShouldBe(10);
        FashionMnist.ClassNames[0].ShouldBe("T-shirt/top");
        FashionMnist.ClassNames[9].ShouldBe("Ankle boot");
    }
}
