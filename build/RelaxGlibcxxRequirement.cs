#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one version requirement of libLibTorchSharp.so when the host's libstdc++ lacks
/// that version. Only the flag of the matching Elf64_Vernaux entry changes; the file keeps its size.
/// </summary>
public class RelaxGlibcxxRequirement : Task
{
    private const uint SectionTypeVersionNeeded = 0x6ffffffe;
    private const ushort VersionFlagWeak = 0x2;

    private static readonly string[] LibStdCxxLocations =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string SymbolVersion { get; set; } = "";

    public override bool Execute()
    {
        string? libStdCxx = Array.Find(LibStdCxxLocations, File.Exists);
        if (libStdCxx is null)
        {
            Log.LogMessage(MessageImportance.Normal, "No libstdc++.so.6 in the usual places, so TorchSharp is left as shipped.");
            return true;
        }

        if (ContainsString(File.ReadAllBytes(libStdCxx), SymbolVersion))
        {
            Log.LogMessage(MessageImportance.Low, "{0} provides {1}, so TorchSharp is left as shipped.", libStdCxx, SymbolVersion);
            return true;
        }

        foreach (ITaskItem item in Libraries)
        {
            if (!Relax(item.ItemSpec, libStdCxx))
            {
                return false;
            }
        }

        return true;
    }

    private bool Relax(string library, string libStdCxx)
    {

        byte[] elf = File.ReadAllBytes(library);
        int changed = MarkRequirementWeak(elf, SymbolVersion);
        if (changed < 0)
        {
            Log.LogError("{0} is not a 64-bit little-endian ELF file with a .gnu.version_r section.", library);
            return false;
        }

        if (changed > 0)
        {
            File.WriteAllBytes(library, elf);
            Log.LogMessage(
                MessageImportance.High,
                "Marked {0} weak in {1} because {2} lacks it.",
                SymbolVersion,
                library,
                libStdCxx);
        }

        return true;
    }

    private static bool ContainsString(byte[] data, string value)
    {
        byte[] needle = Encoding.ASCII.GetBytes(value + "\0");
        for (int start = Array.IndexOf(data, needle[0]); start >= 0; start = Array.IndexOf(data, needle[0], start + 1))
        {
            int matched = 0;
            while (matched < needle.Length && start + matched < data.Length && data[start + matched] == needle[matched])
            {
                matched++;
            }

            if (matched == needle.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns how many entries were changed, or -1 when the file is not a usable ELF64 object.</summary>
    private static int MarkRequirementWeak(byte[] elf, string version)
    {
        bool isElf64LittleEndian = elf.Length > 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L'
            && elf[3] == (byte)'F' && elf[4] == 2 && elf[5] == 1;
        if (!isElf64LittleEndian)
        {
            return -1;
        }

        long sectionHeaders = BitConverter.ToInt64(elf, 0x28);
        int sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionHeaders + (long)i * sectionHeaderSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != SectionTypeVersionNeeded)
            {
                continue;
            }

            long offset = BitConverter.ToInt64(elf, (int)header + 0x18);
            int stringSection = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);
            long stringHeader = sectionHeaders + (long)stringSection * sectionHeaderSize;
            long strings = BitConverter.ToInt64(elf, (int)stringHeader + 0x18);
            return MarkInVersionNeeded(elf, offset, needCount, strings, version);
        }

        return -1;
    }

    private static int MarkInVersionNeeded(byte[] elf, long offset, int needCount, long strings, string version)
    {
        int changed = 0;
        long need = offset;
        for (int n = 0; n < needCount; n++)
        {
            int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
            for (int a = 0; a < auxCount; a++)
            {
                long name = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                int end = Array.IndexOf(elf, (byte)0, (int)name);
                string auxName = Encoding.ASCII.GetString(elf, (int)name, end - (int)name);
                ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                if (auxName == version && (flags & VersionFlagWeak) == 0)
                {
                    BitConverter.GetBytes((ushort)(flags | VersionFlagWeak)).CopyTo(elf, (int)aux + 4);
                    changed++;
                }

                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }

            need += BitConverter.ToUInt32(elf, (int)need + 12);
        }

        return changed;
    }
}
