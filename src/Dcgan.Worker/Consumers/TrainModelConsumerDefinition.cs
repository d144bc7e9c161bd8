using MassTransit;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Consumers;

/// <summary>
/// Receive endpoint of training commands. One worker trains one job at a time, so the device is not shared and
/// no second command waits unacknowledged in this worker while others could take it.
/// </summary>
internal sealed class TrainModelConsumerDefinition : ConsumerDefinition<TrainModelConsumer>
{
    public TrainModelConsumerDefinition(IOptions<WorkerOptions> options)
    {
        EndpointName = options.Value.TrainQueue;
        ConcurrentMessageLimit = 1;
        Endpoint(endpoint =>
        {
            endpoint.Name = options.Value.TrainQueue;
            endpoint.PrefetchCount = 1;
            endpoint.ConcurrentMessageLimit = 1;
        });
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TrainModelConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // No message retry: invalid commands fail the same way every time, storage calls retry transient faults
        // themselves, and a training run must not restart from its last checkpoint inside one delivery. Other
        // failures go to the _error queue.
        endpointConfigurator.UseMessageRetry(retry => retry.None());
    }
}
