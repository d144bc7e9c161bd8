using System.Globalization;
using Dcgan.Worker.Hosting;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace Dcgan.Cli;

/// <summary>
/// The worker hosted in this process: a Generic Host with <see cref="WorkerServiceCollectionExtensions.AddDcganWorker"/>,
/// the in-memory transport and a local folder store. Its log shows warnings and errors only, on stderr, so the
/// progress display stays readable. Stopping it makes a running training job store a checkpoint.
/// </summary>
internal sealed class EmbeddedWorker : IAsyncDisposable
{
    /// <summary>
    /// The worker's shutdown budget in this process. A tenth of it lets a running job finish, and the rest lets a
    /// training job store its checkpoint in the local folder.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    private const string WorkFolderName = ".work";

    private const string WorkDirectoryKey = "Dcgan:WorkDirectory";

    private const string LogTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    private readonly IHost host;
    private readonly string? workDirectory;
    private bool stopped;

    private EmbeddedWorker(IHost host, string? workDirectory)
    {
        this.host = host;
        this.workDirectory = workDirectory;
    }

    /// <summary>The worker's bus, for sending commands and connecting event endpoints.</summary>
    public IBus Bus => host.Services.GetRequiredService<IBus>();

    /// <summary>
    /// Builds settings shared by both commands: in-memory transport, local folder store at <paramref name="storeRoot"/>,
    /// progress events every second and the given device. Temporary files go to a folder of this process under
    /// "{storeRoot}/.work", which is deleted when the worker stops.
    /// </summary>
    public static Dictionary<string, string?> CreateSettings(string storeRoot, string device)
    {
        string workDirectory = Path.Combine(storeRoot, WorkFolderName, Guid.NewGuid().ToString("N"));
        return new Dictionary<string, string?>
        {
            ["Dcgan:Transport"] = "InMemory",
            ["Dcgan:Device"] = device,
            [WorkDirectoryKey] = workDirectory,
            ["Dcgan:ProgressInterval"] = "00:00:01",
            ["Dcgan:ShutdownTimeout"] = ShutdownTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Dcgan:Storage:Kind"] = "LocalFolder",
            ["Dcgan:Storage:LocalRoot"] = storeRoot,
            ["Dcgan:Storage:LocalDatasets"] = storeRoot,
        };
    }

    /// <summary>Starts the worker with <paramref name="settings"/> and waits until its bus is ready.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid.</exception>
    public static async Task<EmbeddedWorker> StartAsync(
        IReadOnlyDictionary<string, string?> settings,
        CancellationToken cancellationToken)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSerilog(
            logger => logger
                .MinimumLevel.Warning()

                // The command reports rejected, failed and stopped jobs itself, from the events.
                .MinimumLevel.Override("Dcgan.Worker.Consumers", LogEventLevel.Error)
                .WriteTo.Console(
                    outputTemplate: LogTemplate,
                    formatProvider: CultureInfo.InvariantCulture,
                    standardErrorFromLevel: LogEventLevel.Verbose),
            preserveStaticLogger: true);
        builder.Services.AddDcganWorker(builder.Configuration);

        // The command handles Ctrl+C itself and stops the host, so the host does not listen for it too.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);

        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new EmbeddedWorker(host, settings.GetValueOrDefault(WorkDirectoryKey));
    }

    /// <summary>
    /// Stops the worker. A running training job stores a checkpoint of its last completed step first, within
    /// <see cref="ShutdownTimeout"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        await host.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }

        DeleteWorkDirectory();
    }

    /// <summary>
    /// Deletes this process's work folder, such as cached generator checkpoints, and "{storeRoot}/.work" when no
    /// other process uses it. A folder that cannot be deleted is left in place with a warning.
    /// </summary>
    private void DeleteWorkDirectory()
    {
        if (workDirectory is null || !Directory.Exists(workDirectory))
        {
            return;
        }

        try
        {
            Directory.Delete(workDirectory, recursive: true);
            string? parent = Path.GetDirectoryName(workDirectory);
            if (parent is not null && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Warning: could not delete the work folder {workDirectory}: {exception.Message}");
        }
    }

    /// <summary>Host lifetime that leaves signals to the command line, which stops the host on Ctrl+C.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
