using Dcgan.Worker.Storage;
using Microsoft.Extensions.Hosting;

namespace Dcgan.Worker.Hosting;

/// <summary>
/// Creates the artifact and data-set containers when the worker starts. It is registered before the bus, so no
/// command is consumed before the containers exist.
/// </summary>
internal sealed class BlobContainerInitializer(BlobArtifactStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureContainersAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
