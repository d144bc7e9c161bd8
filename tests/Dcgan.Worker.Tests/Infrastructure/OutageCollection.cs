namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// Tests that stop or restart RabbitMQ or Azurite. They get servers of their own, so no other test sees them down,
/// and run alone after the parallel collections, so their timings are not shared with other tests' CPU load.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OutageCollection : ICollectionFixture<BrokerAndStorageFixture>
{
    public const string Name = "Broker and storage outages";
}
