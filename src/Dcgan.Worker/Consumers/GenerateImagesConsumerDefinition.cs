using MassTransit;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Consumers;

/// <summary>
/// Receive endpoint of generation commands: up to <see cref="WorkerOptions.MaxConcurrentGenerations"/> jobs at
/// once, with as many messages prefetched, so no prefetched command waits behind a running one.
/// </summary>
internal sealed class GenerateImagesConsumerDefinition : ConsumerDefinition<GenerateImagesConsumer>
{
    public GenerateImagesConsumerDefinition(IOptions<WorkerOptions> options)
    {
        int limit = options.Value.MaxConcurrentGenerations;
        EndpointName = options.Value.GenerateQueue;
        ConcurrentMessageLimit = limit;
        Endpoint(endpoint =>
        {
            endpoint.Name = options.Value.GenerateQueue;
            endpoint.PrefetchCount = limit;
            endpoint.ConcurrentMessageLimit = limit;
        });
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<GenerateImagesConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // No message retry: invalid commands fail the same way every time and storage calls retry transient
        // faults themselves. Other failures go to the _error queue.
        endpointConfigurator.UseMessageRetry(retry => retry.None());
    }
}
