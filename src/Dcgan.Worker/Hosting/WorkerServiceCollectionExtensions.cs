using Dcgan.Worker.Consumers;
using Dcgan.Worker.Health;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Storage;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Hosting;

/// <summary>Registration of the DCGAN worker in a host: the one service and the CLI's embedded mode share it.</summary>
public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the worker: options from the "Dcgan" section (validated when the host starts), the artifact store, the
    /// training and generation consumers on their queues, MassTransit with the configured transport, and health
    /// checks published to a status file. Without configuration it runs embedded: in-memory transport and a local
    /// folder store. Logging is left to the host.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Configuration that contains the "Dcgan" section, or an empty one.</param>
    public static IServiceCollection AddDcganWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        AddValidatedOptions<WorkerOptions>(services, configuration, WorkerOptions.SectionName);
        AddValidatedOptions<RabbitMqOptions>(services, configuration, RabbitMqOptions.SectionName);
        AddValidatedOptions<StorageOptions>(services, configuration, StorageOptions.SectionName);
        AddValidatedOptions<TrainingDefaultsOptions>(services, configuration, TrainingDefaultsOptions.SectionName);
        AddValidatedOptions<EvaluationOptions>(services, configuration, EvaluationOptions.SectionName);
        AddValidatedOptions<HealthOptions>(services, configuration, HealthOptions.SectionName);
        AddValidatedOptions<DatasetLimits>(services, configuration, DatasetLimitsSectionName);

        // Transport and store are chosen here, before validation runs. An invalid choice falls back to the embedded
        // default and then fails validation when the host starts.
        WorkerOptions worker = Read<WorkerOptions>(configuration, WorkerOptions.SectionName);
        StorageOptions storage = Read<StorageOptions>(configuration, StorageOptions.SectionName);
        HealthOptions health = Read<HealthOptions>(configuration, HealthOptions.SectionName);

        // The budget comes from the unvalidated setting, because the host reads HostOptions while it is built, before
        // validation can report an invalid ShutdownTimeout.
        ShutdownBudget shutdown = ShutdownBudget.From(worker.ShutdownTimeout);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(shutdown);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdown.HostShutdownTimeout);

        AddStorage(services, configuration, storage);
        AddJobs(services);
        AddHealth(services, health);
        AddBus(services, worker, shutdown);
        return services;
    }

    /// <summary>
    /// Largest message body the worker's RabbitMQ connection accepts: 512 MiB, the highest max_message_size that
    /// RabbitMQ 3.10 allows. On a larger body RabbitMQ.Client 7.2.2 fails the whole connection and the broker
    /// requeues the message (observed with its default limit of 64 MiB), so both endpoints would stop and the
    /// message would be redelivered forever. With this limit the worker receives whatever the broker accepts and
    /// rejects it: commands over <see cref="CommandValidator.MaxCommandBytes"/> fail with JobFailed, and unreadable
    /// messages go to the _error queue. The broker's max_message_size (64 MiB in infra/rabbitmq/rabbitmq.conf) keeps
    /// larger messages out in the first place.
    /// </summary>
    private const uint MaxInboundMessageBytes = 512 * 1024 * 1024;

    /// <summary>Section of the limits on downloaded user data sets.</summary>
    private const string DatasetLimitsSectionName = StorageOptions.SectionName + ":DatasetLimits";

    private static void AddValidatedOptions<TOptions>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }

    private static TOptions Read<TOptions>(IConfiguration configuration, string section)
        where TOptions : class, new() =>
        configuration.GetSection(section).Get<TOptions>() ?? new TOptions();

    private static void AddStorage(IServiceCollection services, IConfiguration configuration, StorageOptions storage)
    {
        if (storage.UsesAzureBlob)
        {
            AddValidatedOptions<BlobStorageOptions>(services, configuration, StorageOptions.BlobSectionName);
            services.AddSingleton<BlobArtifactStore>();
            services.AddSingleton<IArtifactStore>(provider => provider.GetRequiredService<BlobArtifactStore>());
            services.AddSingleton(provider => provider.GetRequiredService<BlobArtifactStore>().Datasets);
            services.AddSingleton(provider => provider.GetRequiredService<BlobArtifactStore>()
                .CreateJobLocks(provider.GetRequiredService<TimeProvider>()));
            services.AddHostedService<BlobContainerInitializer>();
            return;
        }

        services.AddSingleton<IArtifactStore>(provider =>
            new LocalFolderArtifactStore(provider.GetRequiredService<IOptions<StorageOptions>>().Value.LocalRoot));
        services.AddSingleton<IDatasetSource>(provider =>
            new LocalFolderDatasetSource(provider.GetRequiredService<IOptions<StorageOptions>>().Value.LocalDatasets));
        services.AddSingleton<IJobLocks>(provider =>
            new LocalFolderJobLocks(provider.GetRequiredService<IOptions<StorageOptions>>().Value.LocalRoot));
    }

    private static void AddJobs(IServiceCollection services)
    {
        services.AddSingleton<JobManifestStore>();
        services.AddSingleton<JobCancellations>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<DatasetFetcher>();
        services.AddSingleton<DatasetLoader>();
        services.AddSingleton<CommandValidator>();
        services.AddSingleton<GeneratorCache>();
        services.AddSingleton<TrainingJob>();
        services.AddSingleton<GenerationJob>();
    }

    private static void AddHealth(IServiceCollection services, HealthOptions health)
    {
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", HealthStatus.Unhealthy, ["ready"], health.StorageTimeout);
        services.AddSingleton<IHealthCheckPublisher, HealthStatusFilePublisher>();
        services.AddOptions<HealthCheckPublisherOptions>()
            .Configure<IOptions<HealthOptions>>((publisher, options) => publisher.Period = options.Value.Period);
    }

    private static void AddBus(IServiceCollection services, WorkerOptions worker, ShutdownBudget shutdown)
    {
        services.AddMassTransit(bus =>
        {
            // MassTransit 8.5 otherwise sends usage data to usage-tracking.masstransit.io 5 minutes after the bus
            // starts. A worker is meant to connect only to its broker and its storage account.
            bus.DisableUsageTelemetry();
            bus.AddConsumer<TrainModelConsumer, TrainModelConsumerDefinition>();
            bus.AddConsumer<GenerateImagesConsumer, GenerateImagesConsumerDefinition>();
            bus.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseFilter(new EnvelopeValidationFilter()));

            // Every worker must hear every cancel, so each has a queue of its own that lives as long as its bus.
            bus.AddConsumer<CancelJobConsumer>().ExcludeFromConfigureEndpoints();
            if (worker.UsesRabbitMq)
            {
                bus.UsingRabbitMq((context, transport) =>
                {
                    RabbitMqOptions rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                    transport.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, host =>
                    {
                        host.Username(rabbit.Username);
                        host.Password(rabbit.Password);
                        host.MaxMessageSize(MaxInboundMessageBytes);
                    });
                    ConfigureCancelEndpoint(context, transport);
                    transport.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, transport) =>
                {
                    ConfigureCancelEndpoint(context, transport);
                    transport.ConfigureEndpoints(context);
                });
            }
        });

        static void ConfigureCancelEndpoint(IBusRegistrationContext context, IBusFactoryConfigurator transport) =>
            transport.ReceiveEndpoint(
                new TemporaryEndpointDefinition("cancel"),
                endpoint =>
                {
                    endpoint.UseFilter(new EnvelopeValidationFilter());
                    endpoint.ConfigureConsumer<CancelJobConsumer>(context);
                });

        // A stopping worker lets consumers run for a short grace period, then cancels them so a training job stores
        // its checkpoint while the bus still waits for it.
        services.Configure<MassTransitHostOptions>(host =>
        {
            host.ConsumerStopTimeout = shutdown.ConsumerGracePeriod;
            host.StopTimeout = shutdown.BusStopTimeout;
        });
    }
}
