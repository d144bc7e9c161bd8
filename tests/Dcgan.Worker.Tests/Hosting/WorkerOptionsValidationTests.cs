using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Hosting;

/// <summary>Invalid settings stop the worker at start, with messages that name the setting, value and range.</summary>
public sealed class WorkerOptionsValidationTests
{
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Dcgan:Transport", "Kafka", "Dcgan:Transport is 'Kafka': use one of 'InMemory', 'RabbitMq'." },
        { "Dcgan:RabbitMq:Port", "0", "Dcgan:RabbitMq:Port is 0: use 1 to 65535." },
        { "Dcgan:RabbitMq:Host", " ", "Dcgan:RabbitMq:Host is missing or blank" },
        { "Dcgan:Storage:Kind", "S3", "Dcgan:Storage:Kind is 'S3': use one of 'LocalFolder', 'AzureBlob'." },
        { "Dcgan:Device", "tpu", "Dcgan:Device is 'tpu': use auto, cpu, cuda or cuda:N." },
        { "Dcgan:MaxConcurrentGenerations", "0", "Dcgan:MaxConcurrentGenerations is 0: use 1 to 64." },
        { "Dcgan:GenerationBatchSize", "5000", "Dcgan:GenerationBatchSize is 5000: use 1 to 4096." },
        { "Dcgan:ProgressInterval", "-00:00:01", "Dcgan:ProgressInterval is -00:00:01: use 00:00:00 to 01:00:00." },
        { "Dcgan:TrainingSlice", "00:00:10", "Dcgan:TrainingSlice is 00:00:10: use 00:01:00 to 7.00:00:00." },
        { "Dcgan:TrainQueue", "train queue", "Dcgan:TrainQueue is 'train queue': use 1 to 200 characters" },
        { "Dcgan:Training:ImageSize", "48", "Dcgan:Training:ImageSize is 48: use one of 16, 32, 64, 128." },
        { "Dcgan:Training:BatchSize", "1", "Dcgan:Training:BatchSize is 1: use 2 to 4096." },
        { "Dcgan:Training:Beta1", "1", "Dcgan:Training:Beta1 is 1: use 0 to below 1." },
        { "Dcgan:Training:LearningRate", "0", "Dcgan:Training:LearningRate is 0: use above 0 to 1." },
        { "Dcgan:Training:EvaluationImages", "10001", "Dcgan:Training:EvaluationImages is 10001: use 0 to 10000." },
        { "Dcgan:Training:EvaluationImages", "50", "Dcgan:Training is invalid: Evaluation images 50 is out of range: use 0 to train without scores, or 100 to 10000." },
        { "Dcgan:Evaluation:ClassifierPath", " ", "Dcgan:Evaluation:ClassifierPath is missing or blank" },
        { "Dcgan:Health:Period", "00:00:00", "Dcgan:Health:Period is 00:00:00: use 00:00:01 to 00:10:00." },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Start_RejectsInvalidSetting(string key, string value, string expectedMessage)
    {
        using IHost host = WorkerHosts.Build(new Dictionary<string, string?> { [key] = value });

        OptionsValidationException exception = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        exception.Message.ShouldContain(expectedMessage);
    }

    [Fact]
    public async Task Start_ReportsEveryInvalidSettingOfASection()
    {
        using IHost host = WorkerHosts.Build(new Dictionary<string, string?>
        {
            ["Dcgan:Training:ImageSize"] = "48",
            ["Dcgan:Training:Channels"] = "2",
        });

        OptionsValidationException exception = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        exception.Failures.ShouldContain(failure => failure.Contains("Dcgan:Training:ImageSize is 48", StringComparison.Ordinal));
        exception.Failures.ShouldContain(failure => failure.Contains("Dcgan:Training:Channels is 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_AzureBlobRequiresConnectionString()
    {
        using IHost host = WorkerHosts.Build(new Dictionary<string, string?> { ["Dcgan:Storage:Kind"] = "AzureBlob" });

        OptionsValidationException exception = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        exception.Message.ShouldContain("ConnectionString");
    }

    [Fact]
    public async Task Start_NeverShowsPassword()
    {
        using IHost host = WorkerHosts.Build(new Dictionary<string, string?>
        {
            ["Dcgan:RabbitMq:Port"] = "70000",
            ["Dcgan:RabbitMq:Password"] = "s3cret-value",
        });

        OptionsValidationException exception = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        exception.Message.ShouldContain("Dcgan:RabbitMq:Port is 70000");
        exception.Message.ShouldNotContain("s3cret-value");
        new RabbitMqOptions { Password = "s3cret-value" }.ToString().ShouldNotContain("s3cret-value");
    }

    [Fact]
    public async Task Start_BlankPasswordIsNamedWithoutValue()
    {
        using IHost host = WorkerHosts.Build(new Dictionary<string, string?> { ["Dcgan:RabbitMq:Password"] = "" });

        OptionsValidationException exception = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        exception.Message.ShouldContain("Dcgan:RabbitMq:Password is missing or blank");
    }
}
