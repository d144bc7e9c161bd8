namespace Dcgan.Engine.Data;

/// <summary>
/// Exception raised when no searched directory contains all files of a data set. The message lists every
/// directory searched and how to get the data.
/// </summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public DatasetNotFoundException()
        : this("Data set not found.")
    {
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    public DatasetNotFoundException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance with the given message and cause.</summary>
    public DatasetNotFoundException(string message, Exception? innerException)
        : this(message, datasetName: string.Empty, searchedDirectories: [], innerException)
    {
    }

    /// <summary>Initializes a new instance for the named data set and the directories searched.</summary>
    public DatasetNotFoundException(
        string message,
        string datasetName,
        IReadOnlyList<string> searchedDirectories,
        Exception? innerException = null)
        : base(message, innerException)
    {
        DatasetName = datasetName;
        SearchedDirectories = searchedDirectories;
    }

    /// <summary>Name of the data set, such as <c>fashion-mnist</c>, or an empty string when not given.</summary>
    public string DatasetName { get; }

    /// <summary>Directories searched, in search order.</summary>
    public IReadOnlyList<string> SearchedDirectories { get; }
}
