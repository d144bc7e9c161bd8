namespace Dcgan.Contracts;

/// <summary>Where training images come from.</summary>
public enum DatasetKind
{
    /// <summary>A data set the worker has on disk: "fashion-mnist" or "mnist".</summary>
    BuiltIn = 0,

    /// <summary>Every PNG/JPEG blob under a prefix of the data-set container.</summary>
    BlobPrefix = 1,

    /// <summary>A zip blob in the data-set container holding PNG/JPEG files.</summary>
    ZipBlob = 2,
}
