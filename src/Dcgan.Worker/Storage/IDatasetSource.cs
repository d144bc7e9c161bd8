namespace Dcgan.Worker.Storage;

/// <summary>
/// Read access to the place user data sets are stored: the data-set container, or a local folder in embedded mode.
/// Names are '/'-separated and relative to that place.
/// </summary>
public interface IDatasetSource
{
    /// <summary>Where the data sets are, for messages, such as "container 'dcgan-datasets'".</summary>
    string Location { get; }

    /// <summary>
    /// Lists the files whose name starts with <paramref name="prefix"/> and matches <paramref name="include"/>, with
    /// their sizes, in ordinal order of name. Listing stops once more than <paramref name="maxFiles"/> files match,
    /// so a prefix with millions of blobs costs memory for <paramref name="maxFiles"/> + 1 of them at most.
    /// </summary>
    Task<DatasetListing> ListAsync(
        string prefix,
        Func<string, bool> include,
        int maxFiles,
        CancellationToken cancellationToken);

    /// <summary>
    /// Copies file <paramref name="name"/> to <paramref name="localFile"/>, which appears only when complete. Returns
    /// false when the file does not exist.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file has more than <paramref name="maxBytes"/> bytes, counted while copying.
    /// </exception>
    Task<bool> TryDownloadToFileAsync(
        string name,
        string localFile,
        long maxBytes,
        CancellationToken cancellationToken);
}
