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

    /// <summary>
    /// Creates a user with <paramref name="password"/> and full permissions on the virtual host "/", with
    /// rabbitmqctl run as the user that owns the node.
    /// </summary>
    /// <exception cref="InvalidOperationException">rabbitmqctl failed; the message has its output.</exception>
    public async Task AddUserAsync(string user, string password)
    {
        await RunControlAsync("add_user", user, password);
        await RunControlAsync("set_permissions", "-p", "/", user, ".*", ".*", ".*");
    }

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

    // The node's private epmd listens on the port in DIR/epmd-port. Without ERL_EPMD_PORT the CLI would start a
    // system-wide epmd on port 4369. As root, the start script runs the node as the rabbitmq user, whose Erlang
    // cookie the CLI needs.
    private async Task RunControlAsync(params string[] arguments)
    {
        string nodeName = File.ReadAllText(Path.Combine(DataFolder, "node-name")).Trim();
        string control = "/usr/lib/rabbitmq/bin/rabbitmqctl";
        bool asRoot = Environment.UserName == "root";
        var startInfo = new ProcessStartInfo(asRoot ? "runuser" : control);
        if (asRoot)
        {
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add("rabbitmq");
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(control);
        }

        startInfo.ArgumentList.Add("-n");
        startInfo.ArgumentList.Add(nodeName);
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["ERL_EPMD_PORT"] = File.ReadAllText(Path.Combine(DataFolder, "epmd-port")).Trim();
        startInfo.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        await RunAsync(startInfo, $"rabbitmqctl {arguments[0]}");
    }

    private async Task<string> RunScriptAsync(string script, params string[] arguments)
    {
        string path = Path.Combine(repositoryRoot, "infra", "scripts", script);
        var startInfo = new ProcessStartInfo("bash");
        startInfo.ArgumentList.Add(path);
        if (maxMessageBytes is { } bytes)
        {
            startInfo.Environment["DCGAN_RABBITMQ_MAX_MESSAGE_SIZE"] = bytes.ToString();
        }

        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return await RunAsync(startInfo, script);
    }

    private static async Task<string> RunAsync(ProcessStartInfo startInfo, string description)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        using Process process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName} for {description}. {InstallHint}");
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
            throw new TimeoutException($"{description} did not finish within {ScriptTimeout.TotalSeconds} s.\n{await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{description} failed with exit code {process.ExitCode}. {InstallHint}\n{await stderr}\n{await stdout}");
        }

        return await stdout;
    }
}
