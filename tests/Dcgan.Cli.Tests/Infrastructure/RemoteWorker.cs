using Dcgan.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dcgan.Cli.Tests.Infrastructure;

/// <summary>
/// A worker configured like a deployed one, on RabbitMQ and Blob Storage, hosted in the test process with queue and
/// container names of its own. It connects as RabbitMQ's guest user and writes no log.
/// </summary>
public sealed class RemoteWorker : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string workDirectory;

    private RemoteWorker(IHost host, string workDirectory, string suffix)
    {
        this.host = host;
        this.workDirectory = workDirectory;
        TrainQueue = $"train-{suffix}";
        GenerateQueue = $"generate-{suffix}";
        ArtifactContainer = $"artifacts-{suffix}";
    }

    public string TrainQueue { get; }

    public string GenerateQueue { get; }

    public string ArtifactContainer { get; }

    public static async Task<RemoteWorker> StartAsync(LoopbackServers servers)
    {
        string suffix = Guid.NewGuid().ToString("N")[..12];
        string workDirectory = Directory.CreateTempSubdirectory("dcgan-cli-worker-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Dcgan:Transport"] = "RabbitMq",
            ["Dcgan:RabbitMq:Host"] = "127.0.0.1",
            ["Dcgan:RabbitMq:Port"] = servers.RabbitMqPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dcgan:Storage:Kind"] = "AzureBlob",
            ["Dcgan:Storage:Blob:ConnectionString"] = servers.StorageConnectionString,
            ["Dcgan:Storage:Blob:ArtifactContainer"] = $"artifacts-{suffix}",
            ["Dcgan:Storage:Blob:DatasetContainer"] = $"datasets-{suffix}",
            ["Dcgan:TrainQueue"] = $"train-{suffix}",
            ["Dcgan:GenerateQueue"] = $"generate-{suffix}",
            ["Dcgan:Device"] = "cpu",
            ["Dcgan:WorkDirectory"] = workDirectory,
            ["Dcgan:ProgressInterval"] = "00:00:01",
        };
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDcganWorker(builder.Configuration);
        IHost host = builder.Build();
        await host.StartAsync();
        return new RemoteWorker(host, workDirectory, suffix);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StopAsync(timeout.Token);
        host.Dispose();
        Directory.Delete(workDirectory, recursive: true);
    }
}
