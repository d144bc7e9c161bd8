using Dcgan.Worker.Consumers;
using Dcgan.Worker.Hosting;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Hosting;

/// <summary>The worker's registration: embedded defaults, transports, endpoints, shutdown timing and health.</summary>
public sealed class WorkerHostTests : IDisposable
{
    private static readonly Dictionary<string, string?> NoSettings = [];

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Defaults_AreEmbeddedMode()
    {
        await using ServiceProvider services = WorkerHosts.BuildServices(NoSettings);

        WorkerOptions worker = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        worker.Transport.ShouldBe("InMemory");
        worker.TrainQueue.ShouldBe("dcgan-train");
        worker.GenerateQueue.ShouldBe("dcgan-generate");
        worker.Device.ShouldBe("auto");
        worker.MaxConcurrentGenerations.ShouldBe(2);
        worker.GenerationBatchSize.ShouldBe(256);
        worker.MaxGenerateCount.ShouldBe(10_000);
        worker.ProgressInterval.ShouldBe(TimeSpan.FromSeconds(10));
        worker.GeneratorCacheSize.ShouldBe(4);
        worker.DataDirectory.ShouldBeNull();
        worker.WorkDirectory.ShouldBe(Path.Combine(Path.GetTempPath(), "dcgan-worker"));
        services.GetRequiredService<IOptions<StorageOptions>>().Value.Kind.ShouldBe("LocalFolder");
        services.GetRequiredService<IOptions<RabbitMqOptions>>().Value.Host.ShouldBe("127.0.0.1");
        var store = services.GetRequiredService<IArtifactStore>().ShouldBeOfType<LocalFolderArtifactStore>();
        store.Root.ShouldBe(Path.GetFullPath("./artifacts"));
        services.GetRequiredService<IBus>().Address.Scheme.ShouldBe("loopback");
    }

    [Fact]
    public async Task RabbitMq_DefaultsToLoopbackBroker()
    {
        await using ServiceProvider services = WorkerHosts.BuildServices(new Dictionary<string, string?>
        {
            ["Dcgan:Transport"] = "RabbitMq",
        });

        Uri address = services.GetRequiredService<IBus>().Address;

        address.Scheme.ShouldBe("rabbitmq");
        address.Host.ShouldBe("127.0.0.1");
    }

    [Theory]
    [InlineData("InMemory")]
    [InlineData("RabbitMq")]
    public async Task UsageTelemetry_IsDisabled(string transport)
    {
        await using ServiceProvider services = WorkerHosts.BuildServices(new Dictionary<string, string?>
        {
            ["Dcgan:Transport"] = transport,
        });

        services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled.ShouldBeFalse();
    }

    [Fact]
    public async Task Host_StartsHealthyAndStops()
    {
        using IHost host = WorkerHosts.Build(LocalSettings());

        await host.StartAsync();
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        report.Status.ShouldBe(HealthStatus.Healthy, string.Join("; ", report.Entries.Select(entry => $"{entry.Key}: {entry.Value.Description}")));
        report.Entries.Keys.ShouldContain("storage");
        report.Entries.Keys.ShouldContain("masstransit-bus");
    }

    [Fact]
    public async Task Health_WritesStatusFile()
    {
        string statusFile = folder.Combine("probe", "health");
        Dictionary<string, string?> settings = LocalSettings();
        settings["Dcgan:Health:StatusFile"] = statusFile;
        settings["Dcgan:Health:Period"] = "00:00:01";
        using IHost host = WorkerHosts.Build(settings);

        await host.StartAsync();
        string? firstLine = null;
        for (int attempt = 0; attempt < 120 && firstLine != "Healthy"; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            firstLine = File.Exists(statusFile) ? (await File.ReadAllLinesAsync(statusFile))[0] : null;
        }

        await host.StopAsync();

        firstLine.ShouldBe("Healthy");
        string[] lines = await File.ReadAllLinesAsync(statusFile);
        DateTimeOffset.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
        lines.ShouldContain("storage: Healthy");
    }

    [Fact]
    public void TrainingEndpoint_RunsOneJobAtATime()
    {
        var definition = new TrainModelConsumerDefinition(Options.Create(new WorkerOptions { TrainQueue = "train-here" }));

        definition.ConcurrentMessageLimit.ShouldBe(1);
        definition.EndpointDefinition!.PrefetchCount.ShouldBe(1);
        definition.EndpointDefinition.ConcurrentMessageLimit.ShouldBe(1);
        ((IConsumerDefinition)definition).GetEndpointName(DefaultEndpointNameFormatter.Instance).ShouldBe("train-here");
    }

    [Fact]
    public void GenerationEndpoint_UsesConfiguredConcurrency()
    {
        var options = new WorkerOptions { GenerateQueue = "generate-here", MaxConcurrentGenerations = 3 };
        var definition = new GenerateImagesConsumerDefinition(Options.Create(options));

        definition.ConcurrentMessageLimit.ShouldBe(3);
        definition.EndpointDefinition!.PrefetchCount.ShouldBe(3);
        definition.EndpointDefinition.ConcurrentMessageLimit.ShouldBe(3);
        ((IConsumerDefinition)definition).GetEndpointName(DefaultEndpointNameFormatter.Instance).ShouldBe("generate-here");
    }

    [Fact]
    public async Task ShutdownTimeout_SetsHostAndBusTimeouts()
    {
        await using ServiceProvider services = WorkerHosts.BuildServices(new Dictionary<string, string?>
        {
            ["Dcgan:ShutdownTimeout"] = "00:01:40",
        });

        services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.ShouldBe(TimeSpan.FromSeconds(100));
        MassTransitHostOptions bus = services.GetRequiredService<IOptions<MassTransitHostOptions>>().Value;
        bus.ConsumerStopTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        bus.StopTimeout.ShouldBe(TimeSpan.FromSeconds(90));
        services.GetRequiredService<ShutdownBudget>().CheckpointUploadTimeout.ShouldBe(TimeSpan.FromSeconds(70));
    }

    private Dictionary<string, string?> LocalSettings() => new()
    {
        ["Dcgan:Storage:LocalRoot"] = folder.Combine("artifacts"),
        ["Dcgan:Storage:LocalDatasets"] = folder.Combine("datasets"),
        ["Dcgan:WorkDirectory"] = folder.Combine("work"),
    };
}
