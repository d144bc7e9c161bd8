namespace Dcgan.Worker.Jobs;

/// <summary>One job's use of a cached generator, disposed when sampling is done.</summary>
internal sealed class GeneratorLease(CachedGenerator generator) : IDisposable
{
    private int released;

    /// <summary>The generator leased.</summary>
    public CachedGenerator Generator { get; } = generator;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            Generator.ReleaseLease();
        }
    }
}
