namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>A real RabbitMQ node and a real Azurite, started once for every test in <see cref="BrokerCollection"/>.</summary>
public sealed class BrokerAndStorageFixture : IAsyncLifetime
{
    private RabbitMqServer? rabbitMq;
    private AzuriteServer? azurite;

    public RabbitMqServer RabbitMq => rabbitMq ?? throw new InvalidOperationException("RabbitMQ is not running.");

    public AzuriteServer Azurite => azurite ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync()
    {
        Task<RabbitMqServer> broker = RabbitMqServer.StartAsync();
        Task<AzuriteServer> storage = AzuriteServer.StartAsync();
        rabbitMq = await broker;
        azurite = await storage;
    }

    public async Task DisposeAsync()
    {
        if (rabbitMq is not null)
        {
            await rabbitMq.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}
