namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>One reading of a process's resident set size.</summary>
/// <param name="Timestamp">When it was read, as a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value.</param>
/// <param name="Bytes">VmRSS in bytes.</param>
public sealed record RssSample(long Timestamp, long Bytes);
