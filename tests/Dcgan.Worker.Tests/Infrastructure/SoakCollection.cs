namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// Long-running load tests that measure memory and latency. They get servers of their own and run alone after the
/// parallel collections, so other tests' CPU load does not enter their figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection : ICollectionFixture<BrokerAndStorageFixture>
{
    public const string Name = "Soak";
}
