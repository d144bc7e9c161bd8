using Dcgan.Contracts;
using Dcgan.Worker.Storage;

namespace Dcgan.Cli;

/// <summary>One run of <c>dcgan generate</c>: sends the command, waits for the images and reports where they are.</summary>
/// <param name="JobId">The job id, chosen or derived.</param>
/// <param name="Output">Absolute path of --output.</param>
/// <param name="Client">Embedded or broker mode, with the timeout to apply.</param>
internal sealed record GenerationRun(string JobId, string Output, ClientSettings Client)
{
    /// <summary>Runs the job and returns the exit code.</summary>
    /// <param name="command">The command to send.</param>
    /// <param name="embeddedSettings">Worker settings when no broker is configured.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<int> RunAsync(
        GenerateImages command,
        IReadOnlyDictionary<string, string?> embeddedSettings,
        CancellationToken cancellationToken)
    {
        Console.WriteLine(Client.Broker is null
            ? $"Generating {command.Count} images as job {JobId} in this process; files in {JobFolder}"
            : $"Sending generation job {JobId} to queue {Client.Queue} on {Client.Broker}; waiting for a worker.");

        GenerationCompleted completed;
        await using (WorkerConnection connection = await WorkerConnection.OpenAsync(Client, embeddedSettings, cancellationToken))
        {
            try
            {
                completed = await JobFollower.SendAndFollowAsync<GenerateImages, GenerationCompleted>(
                    connection.Bus,
                    Client.Queue,
                    command,
                    JobId,
                    done => done.JobId,
                    ConsoleProgress.CreatePlain(),
                    Client.Timeout,
                    cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await connection.StopAsync();
                Console.WriteLine(connection.IsEmbedded
                    ? "Generation was cancelled."
                    : $"Stopped following job {JobId}; it keeps running on the worker.");
                return CommandErrors.Cancelled;
            }
            catch (TimeoutException) when (Client.Timeout is not null)
            {
                await connection.StopAsync();
                string timeout = Durations.Format(Client.Timeout.Value);
                string remote = connection.IsEmbedded
                    ? string.Empty
                    : " It may still run on the worker later: check that a worker is connected to the broker.";
                throw new TimeoutException($"Generation job {JobId} did not finish within --timeout {timeout}.{remote}");
            }
        }

        string? localRoot = await ArtifactDownloader.FetchAsync(Client, JobId, Output, cancellationToken);
        JobReport.PrintGeneration(completed, localRoot);
        return CommandErrors.Success;
    }

    private string JobFolder => ArtifactDownloader.LocalPath(Output, ArtifactPaths.JobPrefix(JobId));
}
