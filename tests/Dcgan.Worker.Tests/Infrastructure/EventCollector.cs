using System.Collections.Concurrent;
using System.Diagnostics;
using Dcgan.Contracts;
using MassTransit;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// Another service's view of the worker: a separate MassTransit bus on the same broker that sends commands to the
/// worker's queues and records every event the worker publishes.
/// </summary>
public sealed class EventCollector : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DurableQueueExpiration = TimeSpan.FromMinutes(2);

    private readonly IBusControl bus;
    private readonly WorkerNames names;
    private readonly ConcurrentQueue<ReceivedEvent> events = new();

    private EventCollector(IBusControl bus, WorkerNames names)
    {
        this.bus = bus;
        this.names = names;
    }

    /// <summary>Starts the collector's bus and its event queue.</summary>
    /// <param name="rabbitMq">The broker of the worker under test.</param>
    /// <param name="names">The worker's queue names.</param>
    /// <param name="survivesBrokerRestart">
    /// True for a durable event queue that keeps its bindings and the events published to it while the broker
    /// restarts. The default queue is deleted with the broker's state, so events published between the restart and
    /// the collector's reconnection would be lost.
    /// </param>
    public static async Task<EventCollector> StartAsync(
        RabbitMqServer rabbitMq,
        WorkerNames names,
        bool survivesBrokerRestart = false)
    {
        EventCollector? collector = null;
        IBusControl bus = Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host("127.0.0.1", (ushort)rabbitMq.Port, "/", host =>
            {
                host.Username("guest");
                host.Password("guest");
            });
            transport.ReceiveEndpoint($"events-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = !survivesBrokerRestart;
                endpoint.Durable = survivesBrokerRestart;
                if (survivesBrokerRestart)
                {
                    // Without a consumer, RabbitMQ deletes the queue after this time, which is longer than an outage.
                    endpoint.QueueExpiration = DurableQueueExpiration;
                }
                endpoint.Handler<JobStarted>(context => Record(collector, context.Message));
                endpoint.Handler<TrainingProgressed>(context => Record(collector, context.Message));
                endpoint.Handler<TrainingCompleted>(context => Record(collector, context.Message));
                endpoint.Handler<GenerationCompleted>(context => Record(collector, context.Message));
                endpoint.Handler<JobFailed>(context => Record(collector, context.Message));
                endpoint.Handler<JobCancelled>(context => Record(collector, context.Message));
            });
        });
        collector = new EventCollector(bus, names);
        await bus.StartAsync();
        return collector;
    }

    /// <summary>The collector's bus, to publish events as a worker would, which the collector then receives too.</summary>
    public IPublishEndpoint Publisher => bus;

    public IReadOnlyList<T> All<T>() => events.Select(received => received.Message).OfType<T>().ToList();

    /// <summary>
    /// Returns the <see cref="Stopwatch.GetTimestamp"/> value at which <paramref name="message"/> was received, to
    /// measure latencies without the polling interval of <see cref="WaitForAsync{T}"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The message was not received by this collector.</exception>
    public long ReceivedTimestamp(object message) =>
        events.FirstOrDefault(received => ReferenceEquals(received.Message, message))?.Timestamp
        ?? throw new InvalidOperationException($"The {message.GetType().Name} was not received by this collector.");

    public async Task SendAsync(TrainModel command)
    {
        ISendEndpoint endpoint = await bus.GetSendEndpoint(new Uri($"queue:{names.TrainQueue}"));
        await endpoint.Send(command);
    }

    public async Task SendAsync(GenerateImages command)
    {
        ISendEndpoint endpoint = await bus.GetSendEndpoint(new Uri($"queue:{names.GenerateQueue}"));
        await endpoint.Send(command);
    }

    /// <summary>Publishes a cancel command, which every worker on the broker receives.</summary>
    public Task PublishAsync(CancelJob command) => bus.Publish(command);

    /// <summary>
    /// Waits for the first event of type <typeparamref name="T"/> that matches. Fails after the timeout, or at once
    /// when job <paramref name="jobId"/> fails instead.
    /// </summary>
    public async Task<T> WaitForAsync<T>(string jobId, Func<T, bool> match, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            T? found = All<T>().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            JobFailed? failure = All<JobFailed>().FirstOrDefault(f => f.JobId == jobId);
            if (typeof(T) != typeof(JobFailed) && failure is not null)
            {
                throw new InvalidOperationException(
                    $"Job {failure.JobId} failed while waiting for {typeof(T).Name}: {failure.Reason} " +
                    string.Join(" ", failure.Errors));
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException(
            $"No matching {typeof(T).Name} within {timeout.TotalSeconds} s. Events seen: " +
            string.Join(", ", events.GroupBy(received => received.Message.GetType().Name).Select(group => $"{group.Count()} {group.Key}")));
    }

    public async ValueTask DisposeAsync() => await bus.StopAsync();

    private static Task Record(EventCollector? collector, object message)
    {
        collector?.events.Enqueue(new ReceivedEvent(message, Stopwatch.GetTimestamp()));
        return Task.CompletedTask;
    }

    private sealed record ReceivedEvent(object Message, long Timestamp);
}
