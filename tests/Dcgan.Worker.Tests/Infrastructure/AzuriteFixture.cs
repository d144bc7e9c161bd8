namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// One Azurite Blob service shared by the tests of <see cref="AzuriteCollection"/>. When Azurite cannot be started,
/// every test of the collection fails with a message saying how to install it; none is skipped.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? server;

    /// <summary>The running server.</summary>
    public AzuriteServer Server =>
        server ?? throw new InvalidOperationException("Azurite is not running: InitializeAsync has not completed.");

    /// <summary>Connection string of Azurite's development account on this server.</summary>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>Starts Azurite.</summary>
    public async Task InitializeAsync() => server = await AzuriteServer.StartAsync();

    /// <summary>Stops Azurite and deletes its data.</summary>
    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
