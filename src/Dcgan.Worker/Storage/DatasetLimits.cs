using System.ComponentModel.DataAnnotations;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Limits on a user data set fetched from storage, which bound the disk space and time that one training command
/// can take. Sizes are in bytes and are counted while copying, not taken from listings or zip headers alone.
/// </summary>
public sealed class DatasetLimits
{
    /// <summary>Maximum number of images in one data set.</summary>
    [Range(1, int.MaxValue)]
    public int MaxFiles { get; set; } = 200_000;

    /// <summary>Maximum size of all images of one data set together, and of a zip blob. Default 4 GiB.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxTotalBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Maximum size of one image. Default 64 MiB.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Maximum number of entries in a zip blob, counting folders and files that are not images.</summary>
    [Range(1, int.MaxValue)]
    public int MaxZipEntries { get; set; } = 250_000;

    /// <summary>
    /// Maximum ratio of an image entry's uncompressed size to its compressed size in a zip blob. PNG and JPEG data is
    /// already compressed, so a high ratio means a padded or crafted entry.
    /// </summary>
    [Range(1.0, double.MaxValue)]
    public double MaxCompressionRatio { get; set; } = 100;
}
