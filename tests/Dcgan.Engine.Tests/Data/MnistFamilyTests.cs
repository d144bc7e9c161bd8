using Dcgan.Engine.Data;

namespace Dcgan.Engine.Tests.Data;

public sealed class MnistFamilyTests : IDisposable
{
    private static readonly string[] FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Locate_MissingDataDirectory_ListsSearchedDirectories()
    {
        string missing = directory.Combine("missing");

        DatasetNotFoundException error = Should.Throw<DatasetNotFoundException>(
            () => FashionMnist.Locate(missing));

        error.SearchedDirectories.ShouldBe([Path.Combine(missing, "fashion-mnist"), missing]);
        error.Message.ShouldContain(Path.Combine(missing, "fashion-mnist") + ": directory not found");
        error.Message.ShouldContain(missing + ": directory not found");
        error.Message.ShouldContain("apt-get install dataset-fashion-mnist");
        error.Message.ShouldContain("--data-dir");
        error.Message.ShouldContain("DCGAN_DATA_DIR");
    }

    [Fact]
    public void Locate_MissingDataDirectory_IsFileNotFound()
    {
        Should.Throw<FileNotFoundException>(() => FashionMnist.Locate(directory.Combine("missing")));
    }

    [Fact]
    public void LocateIn_IncompleteDirectory_NamesMissingFiles()
    {
        string partial = CreateDataDirectory("partial", FileNames[0], FileNames[1] + ".gz");
        string missing = directory.Combine("missing");

        DatasetNotFoundException error = Should.Throw<DatasetNotFoundException>(
            () => MnistFamily.LocateIn("mnist", [missing, partial]));

        error.Message.ShouldContain(missing + ": directory not found");
        error.Message.ShouldContain(partial + ": missing t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte");
        error.Message.ShouldNotContain("apt-get");
    }

    [Fact]
    public void GetSearchDirectories_NoDataDirectory_ListsDefaults()
    {
        string environmentRoot = directory.Combine("env");
        string userRoot = directory.Combine("user");

        IReadOnlyList<string> directories =
            MnistFamily.GetSearchDirectories("mnist", null, environmentRoot, userRoot);

        directories.ShouldBe(
        [
            Path.Combine(environmentRoot, "mnist"),
            environmentRoot,
            "/usr/share/datasets/mnist",
            Path.Combine(userRoot, "dcgan", "mnist"),
        ]);
    }

    [Fact]
    public void GetSearchDirectories_NoEnvironment_SkipsIt()
    {
        string userRoot = directory.Combine("user");

        IReadOnlyList<string> directories = MnistFamily.GetSearchDirectories("mnist", null, null, userRoot);

        directories.ShouldBe(["/usr/share/datasets/mnist", Path.Combine(userRoot, "dcgan", "mnist")]);
    }

    [Fact]
    public void GetSearchDirectories_DataDirectory_SearchesOnlyIt()
    {
        string dataRoot = directory.Combine("data");

        IReadOnlyList<string> directories =
            MnistFamily.GetSearchDirectories("mnist", dataRoot, directory.Combine("env"), directory.Combine("user"));

        directories.ShouldBe([Path.Combine(dataRoot, "mnist"), dataRoot]);
    }

    [Fact]
    public void Locate_MixedCompression_FindsAllFiles()
    {
        string data = CreateDataDirectory(
            "data", FileNames[0] + ".gz", FileNames[1], FileNames[2], FileNames[3] + ".gz");

        MnistFamilyFiles files = MnistFamily.Locate("mnist", data);

        files.Directory.ShouldBe(data);
        files.TrainImages.ShouldBe(Path.Combine(data, FileNames[0] + ".gz"));
        files.TrainLabels.ShouldBe(Path.Combine(data, FileNames[1]));
        files.TestImages.ShouldBe(Path.Combine(data, FileNames[2]));
        files.TestLabels.ShouldBe(Path.Combine(data, FileNames[3] + ".gz"));
    }

    [Fact]
    public void Locate_BothCompressions_PrefersUncompressed()
    {
        string[] names = [.. FileNames, .. FileNames.Select(name => name + ".gz")];
        string data = CreateDataDirectory("data", names);

        MnistFamilyFiles files = MnistFamily.Locate("mnist", data);

        files.TrainImages.ShouldBe(Path.Combine(data, FileNames[0]));
    }

    [Fact]
    public void Locate_DataSetSubfolder_PreferredOverRoot()
    {
        string root = CreateDataDirectory("data", FileNames);
        string mnist = CreateDataDirectory(Path.Combine("data", "mnist"), FileNames);

        MnistFamilyFiles files = MnistFamily.Locate("mnist", root);

        files.Directory.ShouldBe(mnist);
    }

    [Fact]
    public void Locate_NoSubfolder_UsesRoot()
    {
        string root = CreateDataDirectory("data", FileNames);
        CreateDataDirectory(Path.Combine("data", "fashion-mnist"), FileNames);

        MnistFamilyFiles files = MnistFamily.Locate("mnist", root);

        files.Directory.ShouldBe(root);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("data/mnist")]
    public void Locate_InvalidDatasetName_Throws(string name)
    {
        Should.Throw<ArgumentException>(() => MnistFamily.Locate(name, directory.Path));
    }

    private string CreateDataDirectory(string relativePath, params string[] fileNames)
    {
        string path = directory.Combine(relativePath);
        Directory.CreateDirectory(path);
        foreach (string name in fileNames)
        {
            File.WriteAllBytes(Path.Combine(path, name), []);
        }

        return path;
    }
}
