using System.IO.Compression;
using System.Text;

namespace Dcgan.Engine.Tests.Checkpoints;

/// <summary>Copies a zip archive, such as a torch.save file, with some records replaced, added or removed.</summary>
internal static class ArchiveEditor
{
    /// <summary>
    /// Writes <paramref name="target"/> as a copy of <paramref name="source"/> in which <paramref name="edit"/> may
    /// change each record's bytes (return null to drop the record); <paramref name="added"/> records come last.
    /// </summary>
    public static void Rewrite(
        string source,
        string target,
        Func<string, byte[], byte[]?> edit,
        params (string Name, byte[] Bytes)[] added)
    {
        using ZipArchive input = ZipFile.OpenRead(source);
        using var output = new ZipArchive(File.Create(target), ZipArchiveMode.Create);
        foreach (ZipArchiveEntry entry in input.Entries)
        {
            using var buffer = new MemoryStream();
            using (Stream stream = entry.Open())
            {
                stream.CopyTo(buffer);
            }

            byte[]? bytes = edit(entry.FullName, buffer.ToArray());
            if (bytes is not null)
            {
                Write(output, entry.FullName, bytes);
            }
        }

        foreach ((string name, byte[] bytes) in added)
        {
            Write(output, name, bytes);
        }
    }

    /// <summary>Returns the name of the archive's data.pkl record, such as "generator-16x16x1/data.pkl".</summary>
    public static string PickleName(string archive)
    {
        using ZipArchive input = ZipFile.OpenRead(archive);
        return input.Entries.Single(entry => entry.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).FullName;
    }

    /// <summary>Returns <paramref name="bytes"/> with every occurrence of one ASCII text replaced by another.</summary>
    public static byte[] ReplaceText(byte[] bytes, string from, string to)
    {
        byte[] pattern = Encoding.ASCII.GetBytes(from);
        byte[] replacement = Encoding.ASCII.GetBytes(to);
        var result = new List<byte>(bytes.Length);
        int i = 0;
        int replaced = 0;
        while (i < bytes.Length)
        {
            if (bytes.AsSpan(i).StartsWith(pattern))
            {
                result.AddRange(replacement);
                i += pattern.Length;
                replaced++;
            }
            else
            {
                result.Add(bytes[i++]);
            }
        }

        replaced.ShouldBeGreaterThan(0, $"the text '{from}' does not occur");
        return [.. result];
    }

    private static void Write(ZipArchive archive, string name, byte[] bytes)
    {
        using Stream stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }
}
