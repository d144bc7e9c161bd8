namespace Dcgan.Benchmarks.Loops;

/// <summary>One training or sampling step that a benchmark repeats and times.</summary>
public interface ITimedLoop : IDisposable
{
    /// <summary>Images one step trains on or produces.</summary>
    int ImagesPerStep { get; }

    /// <summary>Runs one step and waits for its result, so the time of the call is the time of the step.</summary>
    void Step();
}
