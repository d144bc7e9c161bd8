using System.Diagnostics.CodeAnalysis;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Files written below one root folder while a data set is fetched. It detects names that repeat an earlier file or
/// need a folder where an earlier file is, such as "a.png" followed by "a.png/b.png". Blob names and zip entries
/// allow both, but a file system does not, and writing the second would fail with an I/O error.
/// </summary>
internal sealed class ExtractedFiles(string root)
{
    private readonly string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    private readonly HashSet<string> files = new(StringComparer.Ordinal);
    private readonly HashSet<string> folders = new(StringComparer.Ordinal);

    /// <summary>
    /// Records <paramref name="fullPath"/>, an absolute path below the root, as a file. On failure
    /// <paramref name="problem"/> gives the reason as a clause, such as "it repeats an earlier name".
    /// </summary>
    public bool TryAdd(string fullPath, [NotNullWhen(false)] out string? problem)
    {
        if (files.Contains(fullPath))
        {
            problem = "it repeats an earlier name";
            return false;
        }

        if (folders.Contains(fullPath))
        {
            problem = "earlier names are stored below it, so it is a folder";
            return false;
        }

        List<string> parents = [];
        for (string? parent = Path.GetDirectoryName(fullPath);
            parent is not null && parent.Length > root.Length;
            parent = Path.GetDirectoryName(parent))
        {
            if (files.Contains(parent))
            {
                problem = $"it needs a folder where the earlier name '{Relative(parent)}' is a file";
                return false;
            }

            parents.Add(parent);
        }

        files.Add(fullPath);
        folders.UnionWith(parents);
        problem = null;
        return true;
    }

    private string Relative(string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
}
