namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>Tests that share one RabbitMQ node and one Azurite; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerAndStorageFixture>
{
    public const string Name = "RabbitMQ and Azurite";
}
