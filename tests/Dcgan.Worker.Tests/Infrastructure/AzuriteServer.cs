using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage;
using Azure.Storage.Sas;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// A private Azurite Blob service on 127.0.0.1 with its data in a temporary folder. It is started with
/// infra/scripts/start-azurite.sh when that script exists, otherwise by running
/// infra/azurite/node_modules/.bin/azurite-blob directly. Disposing it kills the process and deletes the folder.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Name of Azurite's built-in development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Published key of Azurite's built-in development account; not a secret.</summary>
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string InstallHint =
        "Install Azurite with infra/setup.sh, or run 'npm ci' in infra/azurite, with Node.js 20 or later on PATH.";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly string repositoryRoot;
    private readonly bool checkApiVersion;
    private readonly StringBuilder output = new();
    private Process? directProcess;
    private int? scriptProcessId;

    private AzuriteServer(string repositoryRoot, string dataFolder, bool checkApiVersion)
    {
        this.repositoryRoot = repositoryRoot;
        this.checkApiVersion = checkApiVersion;
        DataFolder = dataFolder;
    }

    /// <summary>TCP port of the Blob service on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>Folder of Azurite's blobs, metadata and log.</summary>
    public string DataFolder { get; }

    /// <summary>Blob endpoint of the development account.</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    /// <summary>Connection string of the development account on this server.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>
    /// Returns a connection string of the development account on this server that authenticates with an account SAS
    /// token allowing every Blob operation, in place of the account key.
    /// </summary>
    /// <param name="expiresOn">End of the token's validity; one hour from now when null.</param>
    public string SasConnectionString(DateTimeOffset? expiresOn = null)
    {
        AccountSasBuilder builder = new(
            AccountSasPermissions.All,
            expiresOn ?? DateTimeOffset.UtcNow.AddHours(1),
            AccountSasServices.Blobs,
            AccountSasResourceTypes.All);
        string token = builder.ToSasQueryParameters(new StorageSharedKeyCredential(AccountName, AccountKey)).ToString();
        return $"BlobEndpoint={BlobEndpoint};SharedAccessSignature={token}";
    }

    /// <summary>True while the Azurite process is running.</summary>
    public bool IsRunning => directProcess is { HasExited: false } || (scriptProcessId is { } id && IsAlive(id));

    /// <summary>What Azurite and the start script printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Starts Azurite on a free port.</summary>
    /// <param name="checkApiVersion">
    /// True to run without --skipApiVersionCheck, so Azurite rejects API versions newer than it supports. The start
    /// script always passes that flag, so this runs azurite-blob directly.
    /// </param>
    /// <exception cref="InvalidOperationException">
    /// Azurite could not be started. The message names the command that installs it.
    /// </exception>
    public static async Task<AzuriteServer> StartAsync(bool checkApiVersion = false)
    {
        string repositoryRoot = FindRepositoryRoot();
        string dataFolder = Directory.CreateTempSubdirectory("dcgan-azurite-").FullName;
        AzuriteServer server = new(repositoryRoot, dataFolder, checkApiVersion);
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

    /// <summary>Kills the Azurite process tree, as a crash or outage would, and waits until the port is closed.</summary>
    public async Task KillAsync()
    {
        if (directProcess is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using CancellationTokenSource timeout = new(StopTimeout);
            await process.WaitForExitAsync(timeout.Token);
            process.Dispose();
            directProcess = null;
        }

        if (scriptProcessId is { } id)
        {
            KillTree(id);
            await WaitUntilAsync(() => !IsAlive(id), StopTimeout, $"Azurite (pid {id}) did not exit");
            scriptProcessId = null;
        }

        if (Port != 0)
        {
            await WaitUntilAsync(() => !AcceptsConnections(Port), StopTimeout, $"port {Port} still accepts connections");
        }
    }

    /// <summary>
    /// Stops Azurite with SIGTERM, as an orderly shutdown or a rolling restart would, and waits until the port is
    /// closed. Unlike <see cref="KillAsync"/>, Azurite saves its metadata first, so every blob it acknowledged is
    /// still there after <see cref="RestartAsync"/>. A process still running after 15 s is killed.
    /// </summary>
    public async Task StopAsync()
    {
        int? processId = directProcess is { HasExited: false } process ? process.Id : scriptProcessId;
        if (processId is { } id && IsAlive(id) && ReadCommandLine(id).Contains("azurite", StringComparison.Ordinal))
        {
            using (Process signal = Process.Start("kill", ["-TERM", id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            Stopwatch elapsed = Stopwatch.StartNew();
            while (IsAlive(id) && elapsed.Elapsed < StopTimeout)
            {
                await Task.Delay(100);
            }
        }

        // Releases the process handles and waits for the port; it kills only what SIGTERM did not stop.
        await KillAsync();
    }

    /// <summary>
    /// Starts Azurite again on the same port and data folder after <see cref="KillAsync"/> or <see cref="StopAsync"/>.
    /// </summary>
    public Task RestartAsync() => LaunchAsync(Port);

    /// <summary>Kills Azurite and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            if (Directory.Exists(DataFolder))
            {
                Directory.Delete(DataFolder, recursive: true);
            }
        }
    }

    private async Task LaunchAsync(int port)
    {
        string script = Path.Combine(repositoryRoot, "infra", "scripts", "start-azurite.sh");
        if (File.Exists(script) && !checkApiVersion)
        {
            await LaunchWithScriptAsync(script, port);
        }
        else
        {
            await LaunchDirectlyAsync(port == 0 ? FindFreePort() : port);
        }
    }

    private async Task LaunchWithScriptAsync(string script, int port)
    {
        ProcessStartInfo start = new("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(DataFolder);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using Process process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not run {script}. {InstallHint}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource timeout = new(StartupTimeout);
        await process.WaitForExitAsync(timeout.Token);
        string printed = await stdout;
        Append(printed + await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Azurite could not be started: {script} exited with code {process.ExitCode}. {InstallHint}\n{Output}");
        }

        string lastLine = printed.TrimEnd().Split('\n')[^1];
        Port = int.Parse(lastLine, System.Globalization.CultureInfo.InvariantCulture);
        scriptProcessId = int.Parse(
            File.ReadAllText(Path.Combine(DataFolder, "azurite.pid")).Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task LaunchDirectlyAsync(int port)
    {
        string executable = Path.Combine(repositoryRoot, "infra", "azurite", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite could not be started: {executable} not found. {InstallHint}");
        }

        ProcessStartInfo start = new(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--location", DataFolder, "--loose", "--disableTelemetry"])
        {
            start.ArgumentList.Add(argument);
        }

        if (!checkApiVersion)
        {
            start.ArgumentList.Add("--skipApiVersionCheck");
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {executable}.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"Azurite could not be started: running {executable} failed ({exception.Message}). {InstallHint}",
                exception);
        }

        process.OutputDataReceived += (_, line) => Append(line.Data + "\n");
        process.ErrorDataReceived += (_, line) => Append(line.Data + "\n");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        directProcess = process;
        Port = port;

        Stopwatch elapsed = Stopwatch.StartNew();
        while (!AcceptsConnections(port))
        {
            if (process.HasExited || elapsed.Elapsed > StartupTimeout)
            {
                string reason = process.HasExited
                    ? $"azurite-blob exited with code {process.ExitCode}"
                    : $"azurite-blob did not accept connections on port {port} within {StartupTimeout.TotalSeconds} s";
                await KillAsync();
                throw new InvalidOperationException($"Azurite could not be started: {reason}. {InstallHint}\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    private void Append(string text)
    {
        lock (output)
        {
            output.Append(text);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dcgan.Worker.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Azurite could not be started: no folder above {AppContext.BaseDirectory} contains Dcgan.Worker.sln.");
    }

    private static int FindFreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool AcceptsConnections(int port)
    {
        using Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void KillTree(int processId)
    {
        // The kernel may have given the pid to another process since Azurite exited, so only an Azurite is killed.
        if (!IsAlive(processId) || !ReadCommandLine(processId).Contains("azurite", StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            using Process process = Process.GetProcessById(processId);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // The process has already exited.
        }
        catch (InvalidOperationException)
        {
            // The process exited between the lookup and the kill.
        }
    }

    private static string ReadCommandLine(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// Returns true while <paramref name="processId"/> runs. A zombie counts as exited: where init does not reap
    /// orphans, a killed Azurite started by the script stays in the process table as one.
    /// </summary>
    private static bool IsAlive(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (IOException)
        {
            return false;
        }

        string afterName = stat[(stat.LastIndexOf(')') + 2)..];
        return afterName.Length > 0 && afterName[0] != 'Z';
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string failure)
    {
        Stopwatch elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            if (elapsed.Elapsed > timeout)
            {
                throw new InvalidOperationException($"Stopping Azurite failed: {failure} after {timeout.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }
}
