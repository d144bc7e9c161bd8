using Dcgan.Contracts;
using MassTransit;

namespace Dcgan.Cli;

/// <summary>
/// Sends one command to a worker's queue and follows that job's events through a temporary receive endpoint on the
/// same bus, the way any other service drives the worker. Events of other jobs are ignored.
/// </summary>
internal static class JobFollower
{
    /// <summary>
    /// Connects the event endpoint, sends <paramref name="command"/> to <paramref name="queue"/> once the endpoint is
    /// ready, so no event is missed, and waits for the job's completion event.
    /// </summary>
    /// <param name="bus">Bus of the embedded worker or a client bus on the worker's broker.</param>
    /// <param name="queue">Queue name, such as "dcgan-train".</param>
    /// <param name="command">The command to send.</param>
    /// <param name="jobId">Id of the job in <paramref name="command"/>.</param>
    /// <param name="jobIdOf">Reads the job id of a completion event.</param>
    /// <param name="observer">Receives the job's start and progress events.</param>
    /// <param name="timeout">Maximum time to wait after sending, or null to wait until the job ends.</param>
    /// <param name="cancellationToken">Stops waiting. The job itself is not cancelled.</param>
    /// <exception cref="JobFailedException">The worker published <see cref="JobFailed"/> for the job.</exception>
    /// <exception cref="TimeoutException">The job did not end within <paramref name="timeout"/>.</exception>
    public static async Task<TCompleted> SendAndFollowAsync<TCommand, TCompleted>(
        IBus bus,
        string queue,
        TCommand command,
        string jobId,
        Func<TCompleted, string> jobIdOf,
        IJobObserver observer,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
        where TCommand : class
        where TCompleted : class
    {
        var completion = new TaskCompletionSource<TCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        HostReceiveEndpointHandle handle = bus.ConnectReceiveEndpoint(endpoint =>
        {
            endpoint.Handler<JobStarted>(context =>
            {
                if (context.Message.JobId == jobId && !completion.Task.IsCompleted)
                {
                    observer.Started(context.Message);
                }

                return Task.CompletedTask;
            });
            endpoint.Handler<TrainingProgressed>(context =>
            {
                if (context.Message.JobId == jobId && !completion.Task.IsCompleted)
                {
                    observer.Progressed(context.Message);
                }

                return Task.CompletedTask;
            });
            endpoint.Handler<TCompleted>(context =>
            {
                if (jobIdOf(context.Message) == jobId)
                {
                    completion.TrySetResult(context.Message);
                }

                return Task.CompletedTask;
            });
            endpoint.Handler<JobFailed>(context =>
            {
                if (context.Message.JobId == jobId)
                {
                    completion.TrySetException(new JobFailedException(context.Message));
                }

                return Task.CompletedTask;
            });
        });

        try
        {
            await handle.Ready.WaitAsync(cancellationToken);
            ISendEndpoint endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queue}"));
            await endpoint.Send(command, cancellationToken);
            return await completion.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken);
        }
        finally
        {
            // The endpoint is temporary: stopping it deletes its queue on the broker.
            await handle.StopAsync(CancellationToken.None);
        }
    }
}
