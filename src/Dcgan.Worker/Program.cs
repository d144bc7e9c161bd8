using System.Globalization;
using Dcgan.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;

const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {JobId} {Message:lj}{NewLine}{Exception}";

// Logs what happens before the configuration is read in the same format as appsettings.json.
Log.Logger = new LoggerConfiguration()
    .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: CultureInfo.InvariantCulture)
    .CreateBootstrapLogger();

try
{
    // appsettings.json is read from the program's folder, so the worker starts the same from any working folder.
    HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        Args = args,
        ContentRootPath = AppContext.BaseDirectory,
    });
    builder.Services.AddSerilog((services, logger) =>
    {
        logger.ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext();
        if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
        {
            logger.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: CultureInfo.InvariantCulture);
        }
    });
    builder.Services.AddDcganWorker(builder.Configuration);

    using IHost host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    // Options are validated while the host is built or started. The failures name each setting, value and range.
    Log.Fatal("The DCGAN worker did not start because of invalid settings: {Failures}", string.Join(" ", exception.Failures));
    return 1;
}
catch (Exception exception)
{
    Log.Fatal(exception, "The DCGAN worker stopped because of an unhandled exception");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
