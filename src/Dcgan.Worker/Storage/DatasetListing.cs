namespace Dcgan.Worker.Storage;

/// <summary>Result of listing a data-set source: the files that matched, and a count of the others.</summary>
/// <param name="Files">
/// Matching files in ordinal order of name. When more than the requested maximum match, an arbitrary maximum + 1 of
/// them.
/// </param>
/// <param name="OtherFileCount">Number of listed files that did not match, counted up to the point where listing stopped.</param>
public sealed record DatasetListing(IReadOnlyList<DatasetFile> Files, int OtherFileCount);
