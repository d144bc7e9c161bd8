using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// A plain RabbitMQ.Client connection to the test broker for what a MassTransit bus does not do: publishing arbitrary
/// bytes straight to a queue and reading queue depths.
/// </summary>
public sealed class RawAmqpClient : IAsyncDisposable
{
    /// <summary>Content type of MassTransit's JSON envelope.</summary>
    public const string EnvelopeContentType = "application/vnd.masstransit+json";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly IConnection connection;
    private readonly IChannel channel;

    private RawAmqpClient(IConnection connection, IChannel channel)
    {
        this.connection = connection;
        this.channel = channel;
    }

    public static async Task<RawAmqpClient> ConnectAsync(RabbitMqServer rabbitMq)
    {
        // The client accepts bodies up to RabbitMQ's hard maximum, so reading an oversized message back cannot fail here.
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = rabbitMq.Port,
            UserName = "guest",
            Password = "guest",
            MaxInboundMessageBodySize = 512 * 1024 * 1024,
        };
        IConnection connection = await factory.CreateConnectionAsync("dcgan-tests-raw");
        IChannel channel = await connection.CreateChannelAsync(ConfirmedChannel());
        return new RawAmqpClient(connection, channel);
    }

    /// <summary>
    /// Publishes <paramref name="body"/> to <paramref name="queue"/> through the default exchange and waits for the
    /// broker's confirm. A null content type leaves the property unset.
    /// </summary>
    public async Task PublishAsync(string queue, ReadOnlyMemory<byte> body, string? contentType = EnvelopeContentType)
    {
        var properties = new BasicProperties
        {
            ContentType = contentType,
            MessageId = Guid.NewGuid().ToString(),
            Persistent = true,
        };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body);
    }

    /// <summary>
    /// Publishes <paramref name="body"/> on a channel of its own and returns the exception that closed the channel,
    /// or null when the broker accepted the message.
    /// </summary>
    public async Task<Exception?> TryPublishOnOwnChannelAsync(string queue, ReadOnlyMemory<byte> body)
    {
        await using IChannel own = await connection.CreateChannelAsync(ConfirmedChannel());
        try
        {
            var properties = new BasicProperties { ContentType = EnvelopeContentType, Persistent = true };
            await own.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body);
            return null;
        }
        catch (Exception exception) when (exception is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            return exception;
        }
    }

    /// <summary>Returns the number of ready messages in <paramref name="queue"/>, or 0 when the queue does not exist.</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        // A passive declare of a missing queue closes its channel, so each query gets a channel of its own.
        await using IChannel probe = await connection.CreateChannelAsync();
        try
        {
            QueueDeclareOk declared = await probe.QueueDeclarePassiveAsync(queue);
            return declared.MessageCount;
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>Waits until <paramref name="queue"/> exists and has at least one consumer.</summary>
    public async Task WaitForConsumerAsync(string queue, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using IChannel probe = await connection.CreateChannelAsync();
            try
            {
                QueueDeclareOk declared = await probe.QueueDeclarePassiveAsync(queue);
                if (declared.ConsumerCount > 0)
                {
                    return;
                }
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
            {
                // The worker has not declared the queue yet.
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"Queue {queue} had no consumer within {timeout.TotalSeconds} s.");
    }

    /// <summary>Waits until <paramref name="queue"/> contains at least <paramref name="count"/> ready messages and returns the count.</summary>
    public async Task<uint> WaitForMessageCountAsync(string queue, uint count, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        uint current = await MessageCountAsync(queue);
        while (current < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Queue {queue} held {current} of {count} expected messages after {timeout.TotalSeconds} s.");
            }

            await Task.Delay(PollInterval);
            current = await MessageCountAsync(queue);
        }

        return current;
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }

    private static CreateChannelOptions ConfirmedChannel() =>
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
}
