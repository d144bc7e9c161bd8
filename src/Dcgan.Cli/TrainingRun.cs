using Dcgan.Contracts;
using Dcgan.Worker.Storage;

namespace Dcgan.Cli;

/// <summary>One run of <c>dcgan train</c>: sends the command, follows the job and reports where its files are.</summary>
/// <param name="JobId">The job id, chosen or derived.</param>
/// <param name="Output">Absolute path of --output.</param>
/// <param name="Settings">Training settings from the options.</param>
/// <param name="Limit">Maximum number of images, or null for all.</param>
/// <param name="Client">Embedded or broker mode.</param>
internal sealed record TrainingRun(
    string JobId,
    string Output,
    TrainingSettings Settings,
    int? Limit,
    ClientSettings Client)
{
    /// <summary>Builds the command for <paramref name="dataset"/>.</summary>
    public TrainModel ToCommand(DatasetReference dataset) =>
        new() { JobId = JobId, Dataset = dataset, Settings = Settings };

    /// <summary>Runs the job and returns the exit code.</summary>
    /// <param name="command">The command to send.</param>
    /// <param name="embeddedSettings">Worker settings when no broker is configured.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<int> RunAsync(
        TrainModel command,
        IReadOnlyDictionary<string, string?> embeddedSettings,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Output);
        Console.WriteLine(Client.Broker is null
            ? $"Training job {JobId} in this process; files in {JobFolder}"
            : $"Sending training job {JobId} to queue {Client.Queue} on {Client.Broker}; waiting for a worker.");

        TrainingCompleted completed;
        await using (WorkerConnection connection = await WorkerConnection.OpenAsync(Client, embeddedSettings, cancellationToken))
        {
            try
            {
                completed = await ConsoleProgress.RunAsync(
                    observer => JobFollower.SendAndFollowAsync<TrainModel, TrainingCompleted>(
                        connection.Bus,
                        Client.Queue,
                        command,
                        JobId,
                        done => done.JobId,
                        observer,
                        Client.Timeout,
                        cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await connection.StopAsync();
                Console.WriteLine(connection.IsEmbedded
                    ? $"Training was cancelled. {DescribeResume()}"
                    : $"Stopped following job {JobId}; it keeps running on the worker. {DescribeFollowAgain()}");
                return CommandErrors.Cancelled;
            }
            catch (TimeoutException) when (Client.Timeout is not null)
            {
                await connection.StopAsync();
                string timeout = Durations.Format(Client.Timeout.Value);
                string next = connection.IsEmbedded
                    ? DescribeResume()
                    : $"It keeps running on the worker. {DescribeFollowAgain()}";
                throw new TimeoutException($"Training job {JobId} did not finish within --timeout {timeout}. {next}");
            }
        }

        string? localRoot = await ArtifactDownloader.FetchAsync(Client, JobId, Output, cancellationToken);
        JobReport.PrintTraining(completed, localRoot);
        return CommandErrors.Success;
    }

    private string JobFolder => ArtifactDownloader.LocalPath(Output, ArtifactPaths.JobPrefix(JobId));

    private string DescribeResume()
    {
        (string Path, long Step)? newest = StoredCheckpoints.FindNewest(Output, JobId);
        string again = $"Run the same command with --job-id {JobId} to resume.";
        return newest is { } checkpoint
            ? $"Job {JobId} stored a checkpoint at step {checkpoint.Step} ({checkpoint.Path}). {again}"
            : $"Job {JobId} stored no checkpoint yet, so it starts from step 0 next time. {again}";
    }

    private string DescribeFollowAgain() =>
        $"Run the same command with --job-id {JobId} to wait for its result again.";
}
