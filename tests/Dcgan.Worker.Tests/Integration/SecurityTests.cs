using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using Dcgan.Worker.Tests.Storage;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Commands whose ids and blob names try to leave their container, container privacy, and the absence of secrets
/// from the logs and events of a worker on real RabbitMQ and Azurite.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SecurityTests(BrokerAndStorageFixture servers, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(2);

    private readonly string downloads = Directory.CreateTempSubdirectory("dcgan-security-downloads-").FullName;

    public void Dispose() => Directory.Delete(downloads, recursive: true);

    [Fact]
    public async Task HostileNames_RejectedWithinContainers()
    {
        WorkerNames names = WorkerNames.Unique();
        using TcpListener trap = new(IPAddress.Loopback, 0);
        trap.Start();
        string url = $"http://127.0.0.1:{((IPEndPoint)trap.LocalEndpoint).Port}/x";
        await using WorkerInstance worker = await WorkerInstance.StartAsync(servers, names);
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        BlobContainerClient artifacts = ArtifactBlobs.Container(servers.Azurite, names);
        BlobContainerClient datasets = Client(names.DatasetContainer);

        string trainJob = "names-train-" + Guid.NewGuid().ToString("N");
        string generateJob = "names-generate-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(TinyCommands.Train(trainJob, maxSteps: 3));
        TrainingCompleted trained = await client.WaitForAsync<TrainingCompleted>(trainJob, e => e.JobId == trainJob, JobTimeout);
        await client.SendAsync(TinyCommands.Generate(generateJob, trainJob, count: 4));
        await client.WaitForAsync<GenerationCompleted>(generateJob, e => e.JobId == generateJob, JobTimeout);

        // A real checkpoint in the data-set container, where no model reference may reach.
        string checkpoint = await ArtifactBlobs.DownloadAsync(artifacts, trained.Checkpoint.Path, downloads);
        await datasets.GetBlobClient("model.ckpt").UploadAsync(checkpoint);
        List<string> datasetBlobsBefore = await ListAsync(datasets);

        List<(string JobId, object Command, string Field)> hostile = [];
        string[] badJobIds = ["../x", "/abs", url, "%2e%2e", "a\\b", "jobs/../../x", $"{names.ArtifactContainer}/x"];
        foreach (string jobId in badJobIds)
        {
            hostile.Add((jobId, TinyCommands.Train(jobId, maxSteps: 3), "JobId"));
        }

        string[] badDatasetNames =
        [
            "../x/", "/abs/", url + ".zip", "%2e%2e/x.zip", "a\\b.zip", "..\\x.zip", $"../{names.ArtifactContainer}/jobs/",
            $"/{names.ArtifactContainer}/jobs/{trainJob}/samples/", $"{names.ArtifactContainer}/jobs/{trainJob}/samples/",
        ];
        foreach (string name in badDatasetNames)
        {
            string jobId = "names-dataset-" + Guid.NewGuid().ToString("N");
            DatasetKind kind = name.EndsWith('/') ? DatasetKind.BlobPrefix : DatasetKind.ZipBlob;
            TrainModel command = TinyCommands.Train(jobId, maxSteps: 3) with
            {
                Dataset = new DatasetReference { Kind = kind, Name = name, MaxImages = TinyCommands.Images },
            };
            hostile.Add((jobId, command, "Dataset.Name"));
        }

        string[] badCheckpoints =
        [
            "../x.ckpt", "/abs.ckpt", url + ".ckpt", "%2e%2e/x.ckpt", "a\\b.ckpt", $"../{names.DatasetContainer}/model.ckpt",
            $"{names.DatasetContainer}/model.ckpt", $"/{names.DatasetContainer}/model.ckpt", "model.ckpt",
        ];
        foreach (string path in badCheckpoints)
        {
            string jobId = "names-model-" + Guid.NewGuid().ToString("N");
            GenerateImages command = new() { JobId = jobId, Model = new ModelReference { CheckpointPath = path }, Count = 2 };
            hostile.Add((jobId, command, "Model.CheckpointPath"));
        }

        foreach ((string jobId, object command, string field) in hostile)
        {
            await SendAsync(client, command);
            JobFailed failed = await client.WaitForAsync<JobFailed>(jobId, e => e.JobId == jobId, JobTimeout);
            output.WriteLine($"{field} {Describe(command)}: {failed.Reason}");
            failed.IsInvalidCommand.ShouldBeTrue(failed.Reason);
        }

        await Task.Delay(SettleDelay);
        foreach ((string jobId, _, _) in hostile)
        {
            client.All<JobFailed>().Count(e => e.JobId == jobId).ShouldBe(1, $"{jobId} failed more than once");
            client.All<GenerationCompleted>().ShouldNotContain(e => e.JobId == jobId);
            client.All<TrainingCompleted>().ShouldNotContain(e => e.JobId == jobId);
        }

        List<string> artifactBlobs = await ListAsync(artifacts);
        artifactBlobs.ShouldNotBeEmpty();

        // Every job that passed validation ran under a lock blob named after its validated id.
        HashSet<string> locks = [.. hostile.Select(entry => $"locks/{entry.JobId}"), $"locks/{trainJob}", $"locks/{generateJob}"];
        artifactBlobs.ShouldAllBe(blob =>
            blob.StartsWith($"jobs/{trainJob}/") || blob.StartsWith($"jobs/{generateJob}/") || locks.Contains(blob));
        (await ListAsync(datasets)).ShouldBe(datasetBlobsBefore);
        trap.Pending().ShouldBeFalse($"the worker connected to {url}");
    }

    [Fact]
    public async Task WorkerContainers_ArePrivate()
    {
        WorkerNames names = WorkerNames.Unique();
        byte[] content = DatasetFiles.Png(77);
        await using WorkerInstance worker = await WorkerInstance.StartAsync(servers, names);
        BlobContainerClient publicContainer = Client("public-" + Guid.NewGuid().ToString("N")[..12]);
        await publicContainer.CreateAsync(PublicAccessType.Blob);
        using HttpClient anonymous = new();

        // The same anonymous request succeeds on a public container, so a failure below comes from the access level.
        BlobClient publicBlob = publicContainer.GetBlobClient("probe.png");
        await publicBlob.UploadAsync(new BinaryData(content));
        using HttpResponseMessage publicResponse = await anonymous.GetAsync(publicBlob.Uri);
        publicResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await publicResponse.Content.ReadAsByteArrayAsync()).ShouldBe(content);

        foreach (string containerName in (string[])[names.ArtifactContainer, names.DatasetContainer])
        {
            BlobContainerClient container = Client(containerName);
            BlobContainerAccessPolicy policy = (await container.GetAccessPolicyAsync()).Value;
            BlobClient blob = container.GetBlobClient("jobs/probe/grid.png");
            await blob.UploadAsync(new BinaryData(content));
            using HttpResponseMessage response = await anonymous.GetAsync(blob.Uri);
            byte[] body = await response.Content.ReadAsByteArrayAsync();

            output.WriteLine($"{containerName}: public access {policy.BlobPublicAccess}, anonymous GET {(int)response.StatusCode}");
            policy.BlobPublicAccess.ShouldBe(PublicAccessType.None, containerName);
            response.IsSuccessStatusCode.ShouldBeFalse(containerName);
            body.ShouldNotBe(content, containerName);
        }

        await publicContainer.DeleteAsync();
    }

    [Fact]
    public async Task FullRun_LogsNoSecrets()
    {
        WorkerNames names = WorkerNames.Unique();
        string user = "dcgan-" + Guid.NewGuid().ToString("N")[..8];
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await servers.RabbitMq.AddUserAsync(user, password);
        Dictionary<string, string> settings = DebugLogging();
        settings["Dcgan__RabbitMq__Username"] = user;
        settings["Dcgan__RabbitMq__Password"] = password;
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names, settings);

        (TrainingCompleted trained, GenerationCompleted generated) = await TrainAndGenerateAsync(client);
        string invalidJob = "secrets-invalid-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(TinyCommands.Generate(invalidJob, "no-such-training-job"));
        await client.WaitForAsync<JobFailed>(invalidJob, e => e.JobId == invalidJob, JobTimeout);
        (await worker.TerminateAsync()).ShouldBe(0, worker.Output);

        string logs = worker.Output;
        output.WriteLine($"Scanned {logs.Length} characters of worker output");
        logs.ShouldContain("DBG", Case.Sensitive, "debug entries were not written, so the scan covers less than it should");
        logs.ShouldContain(trained.JobId);
        logs.ShouldContain($"{user}@127.0.0.1", Case.Sensitive, "the worker did not log in as the new user");
        AssertContainsNone(
            logs,
            password,
            AzuriteServer.AccountKey,
            Uri.EscapeDataString(AzuriteServer.AccountKey),
            servers.Azurite.ConnectionString,
            "AccountKey=",
            "SharedAccessSignature",
            "sig=");
        AssertNoQueries(trained, generated);
    }

    [Fact]
    public async Task SasRun_LogsNoToken()
    {
        WorkerNames names = WorkerNames.Unique();
        string connectionString = servers.Azurite.SasConnectionString();
        string signature = connectionString[(connectionString.IndexOf("sig=", StringComparison.Ordinal) + 4)..].Split('&')[0];
        Dictionary<string, string> settings = DebugLogging();
        settings["Dcgan__Storage__Blob__ConnectionString"] = connectionString;
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names, settings);

        (TrainingCompleted trained, GenerationCompleted generated) = await TrainAndGenerateAsync(client);
        (await worker.TerminateAsync()).ShouldBe(0, worker.Output);

        string logs = worker.Output;
        output.WriteLine($"Scanned {logs.Length} characters of worker output");
        logs.ShouldContain(trained.JobId);
        AssertContainsNone(
            logs,
            signature,
            Uri.UnescapeDataString(signature),
            connectionString,
            "SharedAccessSignature",
            "sig=");
        AssertNoQueries(trained, generated);
    }

    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Dcgan__Storage__Blob__MaxAttempts", "0", "MaxAttempts" },
        { "Dcgan__Storage__Blob__ServiceVersion", "2099-01-01", "ServiceVersion '2099-01-01'" },
        { "Dcgan__RabbitMq__Port", "70000", "Dcgan:RabbitMq:Port is 70000" },
        { "Dcgan__Storage__DatasetLimits__MaxFiles", "0", "MaxFiles" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task InvalidSetting_StartupErrorOmitsSecrets(string key, string value, string expectedMessage)
    {
        string accountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        string connectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={accountKey};" +
            $"BlobEndpoint={servers.Azurite.BlobEndpoint};";
        Dictionary<string, string> settings = new()
        {
            ["Dcgan__Storage__Blob__ConnectionString"] = connectionString,
            ["Dcgan__RabbitMq__Password"] = password,
            [key] = value,
        };

        string logs = await RunFailingStartupAsync(settings);

        logs.ShouldContain(expectedMessage);
        AssertContainsNone(logs, accountKey, password, connectionString, "AccountKey=");
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={0};BlobEndpoint=not a url;")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=not-base64-{0};")]
    [InlineData("AccountKey={0}")]
    [InlineData("UseDevelopmentStorage=false;AccountKey={0};Unknown={0}")]
    public async Task MalformedConnectionString_StartupErrorOmitsKey(string template)
    {
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        string connectionString = string.Format(CultureInfo.InvariantCulture, template, secret);
        Dictionary<string, string> settings = new() { ["Dcgan__Storage__Blob__ConnectionString"] = connectionString };

        string logs = await RunFailingStartupAsync(settings);

        logs.ShouldContain("FTL");
        AssertContainsNone(logs, secret, connectionString, "AccountKey=");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RejectedCredentials_StartupErrorOmitsThem(bool useSas)
    {
        string accountKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        string connectionString = useSas
            ? servers.Azurite.SasConnectionString(DateTimeOffset.UtcNow.AddHours(-1))
            : $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={accountKey};" +
                $"BlobEndpoint={servers.Azurite.BlobEndpoint};";
        string secret = useSas
            ? connectionString[(connectionString.IndexOf("sig=", StringComparison.Ordinal) + 4)..].Split('&')[0]
            : accountKey;
        Dictionary<string, string> settings = DebugLogging();
        settings["Dcgan__Storage__Blob__ConnectionString"] = connectionString;
        settings["Dcgan__Storage__Blob__MaxAttempts"] = "1";

        string logs = await RunFailingStartupAsync(settings);

        logs.ShouldContain("Status: 403");
        AssertContainsNone(logs, secret, Uri.UnescapeDataString(secret), connectionString, "AccountKey=", "sig=");
    }

    /// <summary>Serilog settings that write Debug entries from every source, so the scans cover them too.</summary>
    private static Dictionary<string, string> DebugLogging() => new()
    {
        ["Serilog__MinimumLevel__Default"] = "Debug",
        ["Serilog__MinimumLevel__Override__Microsoft"] = "Debug",
        ["Serilog__MinimumLevel__Override__MassTransit"] = "Debug",
        ["Serilog__MinimumLevel__Override__Azure"] = "Debug",
    };

    private static async Task<(TrainingCompleted Trained, GenerationCompleted Generated)> TrainAndGenerateAsync(
        EventCollector client)
    {
        string trainJob = "secrets-train-" + Guid.NewGuid().ToString("N");
        string generateJob = "secrets-generate-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(TinyCommands.Train(trainJob, maxSteps: 3));
        TrainingCompleted trained = await client.WaitForAsync<TrainingCompleted>(trainJob, e => e.JobId == trainJob, JobTimeout);
        await client.SendAsync(TinyCommands.Generate(generateJob, trainJob, count: 4));
        GenerationCompleted generated =
            await client.WaitForAsync<GenerationCompleted>(generateJob, e => e.JobId == generateJob, JobTimeout);
        return (trained, generated);
    }

    private static void AssertContainsNone(string logs, params string[] secrets)
    {
        foreach (string secret in secrets)
        {
            string? line = logs.Split('\n').FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal));
            line.ShouldBeNull($"the output contains '{secret}' in this line");
        }
    }

    private static void AssertNoQueries(TrainingCompleted trained, GenerationCompleted generated)
    {
        IEnumerable<ArtifactLocation> locations =
            [trained.Checkpoint, trained.Manifest, .. trained.SampleGrids, generated.Manifest, .. generated.Images];
        foreach (ArtifactLocation location in locations)
        {
            location.Uri.Query.ShouldBeEmpty(location.Path);
        }
    }

    private BlobContainerClient Client(string containerName) => ArtifactBlobs.Container(servers.Azurite, containerName);

    /// <summary>Starts a worker process that must fail to start, and returns its output once it has exited.</summary>
    private async Task<string> RunFailingStartupAsync(Dictionary<string, string> settings)
    {
        await using WorkerProcess worker = WorkerProcess.Start(servers, WorkerNames.Unique(), settings);
        int exitCode = await worker.WaitForExitAsync(StartupTimeout);
        string logs = worker.Output;
        output.WriteLine(logs);
        exitCode.ShouldNotBe(0, logs);
        return logs;
    }

    private static Task SendAsync(EventCollector client, object command) => command switch
    {
        TrainModel train => client.SendAsync(train),
        GenerateImages generate => client.SendAsync(generate),
        _ => throw new ArgumentException($"Unknown command type {command.GetType().Name}.", nameof(command)),
    };

    private static string Describe(object command) => command switch
    {
        TrainModel train => $"'{train.JobId}' / '{train.Dataset.Name}'",
        GenerateImages generate => $"'{generate.Model.CheckpointPath}'",
        _ => command.ToString() ?? string.Empty,
    };

    private static async Task<List<string>> ListAsync(BlobContainerClient container)
    {
        List<string> names = [];
        await foreach (BlobItem blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
