using Dcgan.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Tests.Hosting;

/// <summary>Builds generic hosts around the worker the way Program.cs does, without its Serilog setup.</summary>
internal static class WorkerHosts
{
    /// <summary>Builds a host whose only configuration is <paramref name="settings"/>.</summary>
    public static IHost Build(IReadOnlyDictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddDcganWorker(builder.Configuration);
        return builder.Build();
    }

    /// <summary>Builds the service provider of <see cref="Build"/> without a host, for registration checks.</summary>
    public static ServiceProvider BuildServices(IReadOnlyDictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDcganWorker(configuration);
        return services.BuildServiceProvider();
    }
}
