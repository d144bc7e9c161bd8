using System.Diagnostics;

namespace Dcgan.Cli.Tests.Infrastructure;

/// <summary>Runs the scripts under infra/scripts, which start and stop private servers on 127.0.0.1.</summary>
internal static class InfraScript
{
    private const string InstallHint = "Install RabbitMQ and Azurite with infra/setup.sh, or run the tests with infra/test.sh.";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs infra/scripts/<paramref name="script"/> with bash and returns its stdout.</summary>
    /// <exception cref="InvalidOperationException">The script failed; the message contains its output.</exception>
    public static Task<string> RunAsync(string script, params string[] arguments) =>
        RunProcessAsync("bash", [Path.Combine(RepositoryRoot, "infra", "scripts", script), .. arguments], null);

    /// <summary>Runs <paramref name="program"/> and returns its stdout.</summary>
    /// <exception cref="InvalidOperationException">The program failed; the message contains its output.</exception>
    public static async Task<string> RunProcessAsync(
        string program,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {program}. {InstallHint}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} timed out after {Timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {start.ArgumentList[0]} failed with exit code {process.ExitCode}. {InstallHint}\n" +
                $"{await stderr}\n{await stdout}");
        }

        return await stdout;
    }

    /// <summary>Parses the port that the start scripts print as their last line.</summary>
    public static int LastLinePort(string output)
    {
        string last = output.TrimEnd().Split('\n')[^1].Trim();
        return int.TryParse(last, out int port)
            ? port
            : throw new InvalidOperationException($"Expected a port on the last line of the script output, got: {output}");
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Dcgan.Worker.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Dcgan.Worker.sln.");
        }
    }
}
