using System.Globalization;
using Dcgan.Worker.Storage;

namespace Dcgan.Cli;

/// <summary>Finds the step checkpoints of a job in a local store folder.</summary>
internal static class StoredCheckpoints
{
    private const string Prefix = "step-";

    /// <summary>
    /// Returns the path and step of the newest "step-NNNNNNNN.ckpt" under "{storeRoot}/jobs/{jobId}/checkpoints", or
    /// null when there is none.
    /// </summary>
    public static (string Path, long Step)? FindNewest(string storeRoot, string jobId)
    {
        string folder = ArtifactDownloader.LocalPath(storeRoot, ArtifactPaths.JobPrefix(jobId) + "checkpoints");
        if (!Directory.Exists(folder))
        {
            return null;
        }

        (string Path, long Step)? newest = null;
        foreach (string path in Directory.EnumerateFiles(folder, Prefix + "*.ckpt"))
        {
            string digits = Path.GetFileNameWithoutExtension(path)[Prefix.Length..];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long step)
                && (newest is null || step > newest.Value.Step))
            {
                newest = (path, step);
            }
        }

        return newest;
    }
}
