namespace Dcgan.Benchmarks.Timing;

/// <summary>The process's peak resident set size so far, from Linux's /proc/self/status.</summary>
public static class PeakMemory
{
    public static long? ResidentBytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return null;
        }

        // The line reads "VmHWM:     123456 kB".
        string? line = File.ReadLines(path).FirstOrDefault(text => text.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
