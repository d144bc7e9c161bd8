namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// Tests that stop or restart RabbitMQ or Azurite. They get servers of their own, so no other test finds a server down.
/// They run alone after the parallel collections, so other tests' CPU load does not enter their timings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OutageCollection : ICollectionFixture<BrokerAndStorageFixture>
{
    public const string Name = "Broker and storage outages";
}
