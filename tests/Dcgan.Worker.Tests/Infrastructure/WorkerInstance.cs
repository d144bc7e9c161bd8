using Dcgan.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// A worker host in this process, configured like a deployed worker: RabbitMQ transport and Blob Storage, with
/// queue and container names private to one test so tests cannot take each other's jobs.
/// </summary>
public sealed class WorkerInstance : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string workDirectory;

    private WorkerInstance(IHost host, string workDirectory)
    {
        this.host = host;
        this.workDirectory = workDirectory;
    }

    public static async Task<WorkerInstance> StartAsync(
        BrokerAndStorageFixture servers,
        WorkerNames names,
        IDictionary<string, string?>? overrides = null)
    {
        string workDirectory = Directory.CreateTempSubdirectory("dcgan-worker-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Dcgan:Transport"] = "RabbitMq",
            ["Dcgan:RabbitMq:Host"] = "127.0.0.1",
            ["Dcgan:RabbitMq:Port"] = servers.RabbitMq.Port.ToString(),
            ["Dcgan:Storage:Kind"] = "AzureBlob",
            ["Dcgan:Storage:Blob:ConnectionString"] = servers.Azurite.ConnectionString,
            ["Dcgan:Storage:Blob:ArtifactContainer"] = names.ArtifactContainer,
            ["Dcgan:Storage:Blob:DatasetContainer"] = names.DatasetContainer,
            ["Dcgan:TrainQueue"] = names.TrainQueue,
            ["Dcgan:GenerateQueue"] = names.GenerateQueue,
            ["Dcgan:Device"] = "cpu",
            ["Dcgan:WorkDirectory"] = workDirectory,
            ["Dcgan:ProgressInterval"] = "00:00:01",
        };
        foreach ((string key, string? value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDcganWorker(builder.Configuration);
        IHost host = builder.Build();
        await host.StartAsync();
        return new WorkerInstance(host, workDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StopAsync(timeout.Token);
        host.Dispose();
        if (Directory.Exists(workDirectory))
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }
}
