using System.Diagnostics;
using System.Text;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// The worker as its own process (src/Dcgan.Worker build output, same configuration as the tests), configured
/// through environment variables the way a container is. Disposing it sends SIGTERM and waits for a clean exit.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly string workDirectory;

    private WorkerProcess(Process process, string workDirectory)
    {
        this.process = process;
        this.workDirectory = workDirectory;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
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

    public int ProcessId => process.Id;

    /// <summary>True once the process has exited, for whatever reason.</summary>
    public bool HasExited => process.HasExited;

    public static WorkerProcess Start(
        BrokerAndStorageFixture servers,
        WorkerNames names,
        IDictionary<string, string>? overrides = null)
    {
        string workDirectory = Directory.CreateTempSubdirectory("dcgan-worker-process-").FullName;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        startInfo.ArgumentList.Add(WorkerAssembly());
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Dcgan__Transport"] = "RabbitMq",
            ["Dcgan__RabbitMq__Host"] = "127.0.0.1",
            ["Dcgan__RabbitMq__Port"] = servers.RabbitMq.Port.ToString(),
            ["Dcgan__Storage__Kind"] = "AzureBlob",
            ["Dcgan__Storage__Blob__ConnectionString"] = servers.Azurite.ConnectionString,
            ["Dcgan__Storage__Blob__ArtifactContainer"] = names.ArtifactContainer,
            ["Dcgan__Storage__Blob__DatasetContainer"] = names.DatasetContainer,
            ["Dcgan__TrainQueue"] = names.TrainQueue,
            ["Dcgan__GenerateQueue"] = names.GenerateQueue,
            ["Dcgan__Device"] = "cpu",
            ["Dcgan__WorkDirectory"] = Path.Combine(workDirectory, "work"),
            ["Dcgan__ProgressInterval"] = "00:00:01",
        };
        foreach ((string key, string value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach ((string key, string value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        Process process = Process.Start(startInfo)
            ?? throw new InvalidOperationException("Could not start the worker process.");
        return new WorkerProcess(process, workDirectory);
    }

    /// <summary>Kills the process at once, as a crash or an out-of-memory kill would.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM, as a container runtime does on stop, and returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        if (!process.HasExited)
        {
            using Process signal = Process.Start("kill", ["-TERM", process.Id.ToString()]);
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The worker did not stop within {StopTimeout.TotalSeconds} s of SIGTERM.\n{Output}");
        }

        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TerminateAsync();
        }
        finally
        {
            process.Dispose();
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    private static string WorkerAssembly()
    {
        // Tests run from tests/Dcgan.Worker.Tests/bin/{Configuration}/net10.0; the worker builds to the same
        // configuration folder under src/Dcgan.Worker because the test project references it.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = testOutput.Name;
        string configuration = testOutput.Parent!.Name;
        for (DirectoryInfo? folder = testOutput; folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(
                folder.FullName, "src", "Dcgan.Worker", "bin", configuration, framework, "Dcgan.Worker.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Dcgan.Worker.dll ({configuration}, {framework}) was not found above {testOutput}.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
