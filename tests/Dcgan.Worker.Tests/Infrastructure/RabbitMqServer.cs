using System.Diagnostics;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// A private RabbitMQ node on 127.0.0.1 with its data, logs and epmd in a temporary folder, started and stopped
/// with infra/scripts/start-rabbitmq.sh and stop-rabbitmq.sh. Disposing it stops the node and deletes the folder.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string InstallHint =
        "Install RabbitMQ with infra/setup.sh (Debian package rabbitmq-server), or run the tests through infra/test.sh.";

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    private readonly string repositoryRoot;
    private readonly long? maxMessageBytes;

    private RabbitMqServer(string repositoryRoot, string dataFolder, long? maxMessageBytes)
    {
        this.repositoryRoot = repositoryRoot;
        this.maxMessageBytes = maxMessageBytes;
        DataFolder = dataFolder;
    }

    /// <summary>AMQP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>Folder of the node's configuration, data and logs.</summary>
    public string DataFolder { get; }

    /// <summary>
    /// Starts a node on a free port. <paramref name="maxMessageBytes"/> overrides the largest message it accepts,
    /// which start-rabbitmq.sh sets to 64 MiB.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node did not start; the message has the script output.</exception>
    public static async Task<RabbitMqServer> StartAsync(long? maxMessageBytes = null)
    {
        string root = FindRepositoryRoot();
        string folder = Directory.CreateTempSubdirectory("dcgan-rabbitmq-").FullName;

        // The broker drops root and runs as the rabbitmq user, which must be able to enter the folder.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The RabbitMQ test node runs on Linux only.");
        }

        File.SetUnixFileMode(
            folder,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
            UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var server = new RabbitMqServer(root, folder, maxMessageBytes);
        try
        {
            await server.LaunchAsync(port: 0);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the node, as a broker restart would, keeping its data folder and port.</summary>
    public async Task StopAsync()
    {
        await RunScriptAsync("stop-rabbitmq.sh", DataFolder);
    }

    /// <summary>Starts the node again on the same port after <see cref="StopAsync"/>.</summary>
    public Task RestartAsync() => LaunchAsync(Port);

    /// <summary>Stops the node and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "node-name")))
            {
                await StopAsync();
            }
        }
        finally
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dcgan.Worker.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Dcgan.Worker.sln above {AppContext.BaseDirectory}.");
    }

    private async Task LaunchAsync(int port)
    {
        string output = await RunScriptAsync("start-rabbitmq.sh", DataFolder, port.ToString());
        string lastLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        if (!int.TryParse(lastLine.Trim(), out int started))
        {
            throw new InvalidOperationException(
                $"start-rabbitmq.sh printed no port on its last line. {InstallHint}\n{output}");
        }

        Port = started;
    }

    private async Task<string> RunScriptAsync(string script, params string[] arguments)
    {
        string path = Path.Combine(repositoryRoot, "infra", "scripts", script);
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(path);
        if (maxMessageBytes is { } bytes)
        {
            startInfo.Environment["DCGAN_RABBITMQ_MAX_MESSAGE_SIZE"] = bytes.ToString();
        }

        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start bash for {script}. {InstallHint}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {ScriptTimeout.TotalSeconds} s.\n{await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} failed with exit code {process.ExitCode}. {InstallHint}\n{await stderr}\n{await stdout}");
        }

        return await stdout;
    }
}
