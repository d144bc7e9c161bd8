namespace Dcgan.Engine.Data;

/// <summary>
/// Locator for data sets in the MNIST file layout, such as MNIST and Fashion-MNIST: one directory that contains
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c>, each raw or with a <c>.gz</c> suffix.
/// </summary>
public static class MnistFamily
{
    /// <summary>Folder name of classic MNIST (handwritten digits).</summary>
    public const string MnistName = "mnist";

    /// <summary>Folder name of Fashion-MNIST, which is also the folder of the Debian package dataset-fashion-mnist.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>Environment variable with a directory to search before the system and user directories.</summary>
    public const string DataDirectoryVariable = "DCGAN_DATA_DIR";

    /// <summary>Parent of the per-data-set folders that Debian's dataset-* packages install.</summary>
    public const string SystemDataRoot = "/usr/share/datasets";

    private const string TrainImagesName = "train-images-idx3-ubyte";
    private const string TrainLabelsName = "train-labels-idx1-ubyte";
    private const string TestImagesName = "t10k-images-idx3-ubyte";
    private const string TestLabelsName = "t10k-labels-idx1-ubyte";

    private static readonly string[] FileNames = [TrainImagesName, TrainLabelsName, TestImagesName, TestLabelsName];

    // Debian 12 ships Fashion-MNIST as a package but not classic MNIST.
    private static readonly Dictionary<string, string> DebianPackages = new(StringComparer.Ordinal)
    {
        [FashionMnistName] = "dataset-fashion-mnist",
    };

    /// <summary>Finds the directory that contains all four IDX files of the named data set.</summary>
    /// <param name="datasetName">Folder name of the data set, such as <see cref="FashionMnistName"/>.</param>
    /// <param name="dataDirectory">
    /// Directory chosen by the user. When set, only its subfolder named <paramref name="datasetName"/> and the
    /// directory itself are searched, in that order.
    /// </param>
    /// <remarks>
    /// Without <paramref name="dataDirectory"/> the search order is: <c>$DCGAN_DATA_DIR/{name}</c>,
    /// <c>$DCGAN_DATA_DIR</c>, <c>/usr/share/datasets/{name}</c>, then <c>{LocalApplicationData}/dcgan/{name}</c>,
    /// which on Linux is <c>~/.local/share/dcgan/{name}</c> unless XDG_DATA_HOME is set. The first directory
    /// with all four files wins. In it, an uncompressed file is used in preference to its <c>.gz</c> form.
    /// </remarks>
    /// <exception cref="DatasetNotFoundException">
    /// No searched directory contains all four files. The message lists each directory and what it lacks.
    /// </exception>
    public static MnistFamilyFiles Locate(string datasetName, string? dataDirectory)
    {
        ValidateDatasetName(datasetName);
        string? environmentDirectory = Environment.GetEnvironmentVariable(DataDirectoryVariable);
        string userDataRoot = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        IReadOnlyList<string> searchDirectories =
            GetSearchDirectories(datasetName, dataDirectory, environmentDirectory, userDataRoot);
        return LocateIn(datasetName, searchDirectories);
    }

    internal static IReadOnlyList<string> GetSearchDirectories(
        string datasetName,
        string? dataDirectory,
        string? environmentDirectory,
        string? userDataRoot)
    {
        if (!string.IsNullOrWhiteSpace(dataDirectory))
        {
            string root = Path.GetFullPath(dataDirectory);
            return [Path.Combine(root, datasetName), root];
        }

        List<string> directories = [];
        if (!string.IsNullOrWhiteSpace(environmentDirectory))
        {
            string root = Path.GetFullPath(environmentDirectory);
            directories.Add(Path.Combine(root, datasetName));
            directories.Add(root);
        }

        directories.Add(Path.Combine(SystemDataRoot, datasetName));
        if (!string.IsNullOrEmpty(userDataRoot))
        {
            directories.Add(Path.Combine(userDataRoot, "dcgan", datasetName));
        }

        return directories;
    }

    internal static MnistFamilyFiles LocateIn(string datasetName, IReadOnlyList<string> searchDirectories)
    {
        List<string> findings = [];
        foreach (string directory in searchDirectories)
        {
            if (!Directory.Exists(directory))
            {
                findings.Add($"{directory}: directory not found");
                continue;
            }

            string?[] paths = FileNames.Select(name => FindIdxFile(directory, name)).ToArray();
            string[] missing = FileNames.Where((_, index) => paths[index] is null).ToArray();
            if (missing.Length == 0)
            {
                return new MnistFamilyFiles(directory, paths[0]!, paths[1]!, paths[2]!, paths[3]!);
            }

            findings.Add($"{directory}: missing {string.Join(", ", missing)}");
        }

        string message = BuildNotFoundMessage(datasetName, findings);
        throw new DatasetNotFoundException(message, datasetName, searchDirectories);
    }

    private static string? FindIdxFile(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw))
        {
            return raw;
        }

        string compressed = raw + ".gz";
        return File.Exists(compressed) ? compressed : null;
    }

    private static string BuildNotFoundMessage(string datasetName, List<string> findings)
    {
        string fileList = string.Join(", ", FileNames[..^1]) + " and " + FileNames[^1];
        string howToGet = DebianPackages.TryGetValue(datasetName, out string? package)
            ? $"On Debian, run 'apt-get install {package}'. Otherwise pass --data-dir or set {DataDirectoryVariable}"
            : $"Download the {datasetName} IDX files, then pass --data-dir or set {DataDirectoryVariable}";

        return $"Data set '{datasetName}' not found. Searched for {fileList} (each raw or .gz) in:" +
            Environment.NewLine +
            string.Join(Environment.NewLine, findings.Select(finding => "  " + finding)) +
            Environment.NewLine +
            $"{howToGet} to a directory that contains the four IDX files.";
    }

    private static void ValidateDatasetName(string datasetName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetName);
        bool isPlainFolderName = datasetName != "." &&
            datasetName != ".." &&
            datasetName.IndexOfAny(['/', '\\', Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) < 0;
        if (!isPlainFolderName)
        {
            throw new ArgumentException(
                $"Data set name '{datasetName}' is not a plain folder name such as '{FashionMnistName}'.",
                nameof(datasetName));
        }
    }
}
