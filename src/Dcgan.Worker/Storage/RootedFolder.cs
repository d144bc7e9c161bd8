using System.Diagnostics.CodeAnalysis;
using System.IO.Enumeration;

namespace Dcgan.Worker.Storage;

/// <summary>
/// A local folder addressed by '/'-separated relative names. Every name is resolved under the root, and names that
/// would leave it, directly or through a symbolic link, are rejected.
/// </summary>
internal sealed class RootedFolder
{
    public RootedFolder(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>Absolute path of the root folder, without a trailing separator.</summary>
    public string Root { get; }

    /// <summary>Resolves <paramref name="name"/> to an absolute path under the root.</summary>
    /// <param name="name">Relative '/'-separated name, checked like <see cref="ArtifactPaths.ValidateRelativeBlobName"/>.</param>
    /// <param name="label">What the name is, for the error message, such as "Artifact path".</param>
    /// <exception cref="ArgumentException">The name is invalid or resolves outside the root.</exception>
    public string Resolve(string name, string label)
    {
        ArtifactPaths.ValidateRelativeBlobName(name, label);
        if (!TryResolve(name, out string? fullPath, out string? problem))
        {
            throw new ArgumentException(
                $"{label} {ArtifactPaths.Quote(name)} is invalid because {problem}.",
                nameof(name));
        }

        return fullPath;
    }

    /// <summary>
    /// Resolves <paramref name="name"/> like <see cref="Resolve"/>. On failure <paramref name="problem"/> gives the
    /// reason as a clause, such as "it contains a '..' segment".
    /// </summary>
    public bool TryResolve(
        string name,
        [NotNullWhen(true)] out string? fullPath,
        [NotNullWhen(false)] out string? problem)
    {
        fullPath = null;
        problem = ArtifactPaths.FindRelativeBlobNameProblem(name);
        if (problem is not null)
        {
            return false;
        }

        string candidate = Path.GetFullPath(Path.Combine(Root, name));
        if (!candidate.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            problem = $"it resolves to '{candidate}', outside the folder '{Root}'";
            return false;
        }

        // A symbolic link below the root could point anywhere, so none is followed, even a dangling one that a
        // write would create a file through.
        string current = Root;
        foreach (string segment in Path.GetRelativePath(Root, candidate).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            if (new FileInfo(current).LinkTarget is not null)
            {
                problem = $"it passes through the symbolic link '{current}', and links are not followed";
                return false;
            }
        }

        fullPath = candidate;
        return true;
    }

    /// <summary>
    /// Lists the files whose relative name starts with <paramref name="prefix"/>, with their sizes in bytes, in ordinal
    /// order of name. Hidden files (name starting with '.') and symbolic links are left out, which also leaves out
    /// the temporary files of writes in progress.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="prefix"/> is neither empty nor a valid relative name, or its folder is a symbolic link.
    /// </exception>
    public IReadOnlyList<(string Name, long Size)> List(string prefix, string label, CancellationToken cancellationToken) =>
        List(prefix, label, static _ => true, int.MaxValue - 1, cancellationToken).Files;

    /// <summary>
    /// Lists the files like <see cref="List(string, string, CancellationToken)"/> that match <paramref name="include"/>,
    /// and counts the others. Listing stops once more than <paramref name="maxIncluded"/> files match, and the result
    /// then contains an arbitrary <paramref name="maxIncluded"/> + 1 of them.
    /// </summary>
    public (IReadOnlyList<(string Name, long Size)> Files, int OtherCount) List(
        string prefix,
        string label,
        Func<string, bool> include,
        int maxIncluded,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string startFolder = Root;
        int lastSlash = prefix.LastIndexOf('/');
        if (prefix.Length > 0)
        {
            ArtifactPaths.ValidateRelativeBlobName(prefix, label);
            if (lastSlash > 0)
            {
                startFolder = Resolve(prefix[..lastSlash], label);
            }
        }

        if (!Directory.Exists(startFolder))
        {
            return ([], 0);
        }

        FileSystemEnumerable<(string Name, long Size)> files = new(
            startFolder,
            (ref FileSystemEntry entry) => (ToRelativeName(entry.ToFullPath()), entry.Length),
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && !IsLink(ref entry),
            ShouldRecursePredicate = (ref FileSystemEntry entry) => !IsLink(ref entry),
        };

        List<(string Name, long Size)> result = [];
        int otherCount = 0;
        foreach ((string Name, long Size) file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!file.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!include(file.Name))
            {
                otherCount++;
                continue;
            }

            result.Add(file);
            if (result.Count > maxIncluded)
            {
                break;
            }
        }

        result.Sort((left, right) => string.CompareOrdinal(left.Name, right.Name));
        return (result, otherCount);
    }

    /// <summary>
    /// Copies the file <paramref name="name"/> under the root to <paramref name="localFile"/>, which appears only when
    /// complete. Returns false when the file does not exist.
    /// </summary>
    /// <exception cref="InvalidDataException">The file has more than <paramref name="maxBytes"/> bytes.</exception>
    public async Task<bool> TryCopyToFileAsync(
        string name,
        string label,
        string localFile,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localFile);
        string source = Resolve(name, label);
        FileStream content;
        try
        {
            content = new FileStream(
                source,
                FileMode.Open,
                FileAccess.Read,
                FileShare.Read,
                bufferSize: 81920,
                useAsync: true);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        await using (content)
        {
            string description = $"File '{name}' in folder '{Root}'";
            await AtomicFile.WriteAsync(
                Path.GetFullPath(localFile),
                (stream, token) => StreamCopy.CopyWithLimitAsync(content, stream, maxBytes, description, token),
                cancellationToken);
        }

        return true;
    }

    private string ToRelativeName(string fullPath) =>
        Path.GetRelativePath(Root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static bool IsLink(ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0;
}
