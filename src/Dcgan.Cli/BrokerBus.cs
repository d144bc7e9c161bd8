using MassTransit;

namespace Dcgan.Cli;

/// <summary>A client bus on the worker's RabbitMQ broker, which sends commands and receives events only.</summary>
internal static class BrokerBus
{
    /// <summary>Maximum time to connect to the broker before the command gives up.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the bus and starts it, which connects to the broker.</summary>
    /// <exception cref="TimeoutException">The broker did not accept the connection within <see cref="ConnectTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task<IBusControl> StartAsync(BrokerAddress broker, CancellationToken cancellationToken)
    {
        IBusControl bus = Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host(broker.Host, (ushort)broker.Port, broker.VirtualHost, host =>
            {
                host.Username(broker.Username);
                host.Password(broker.Password);
                if (broker.UsesTls)
                {
                    // NOTE: TLS is configured but untested; the tests use a loopback broker without TLS.
                    host.UseSsl(ssl => ssl.ServerName = broker.Host);
                }
            });
        });

        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(ConnectTimeout);
        try
        {
            await bus.StartAsync(connectTimeout.Token);
            return bus;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && (exception is OperationCanceledException || exception is MassTransitException))
        {
            await bus.StopAsync(CancellationToken.None);
            throw new TimeoutException(
                $"Could not connect to the broker {broker} within {Durations.Format(ConnectTimeout)}: check the " +
                "host, port, virtual host, user name and password in --broker, and that RabbitMQ is running.",
                exception);
        }
        catch (OperationCanceledException)
        {
            await bus.StopAsync(CancellationToken.None);
            throw;
        }
    }
}
