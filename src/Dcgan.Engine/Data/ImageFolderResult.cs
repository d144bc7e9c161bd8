namespace Dcgan.Engine.Data;

/// <summary>Images loaded from a folder by <see cref="ImageFolderLoader"/>, with the files that were skipped.</summary>
/// <param name="Images">Square images in the requested size and channel count, in the order of <paramref name="ImagePaths"/>.</param>
/// <param name="ImagePaths">Source file of each image, sorted by path.</param>
/// <param name="UnreadableImages">Files that could not be decoded or exceeded a size limit, each with the reason.</param>
public sealed record ImageFolderResult(
    ImageData Images,
    IReadOnlyList<string> ImagePaths,
    IReadOnlyList<UnreadableImage> UnreadableImages);
