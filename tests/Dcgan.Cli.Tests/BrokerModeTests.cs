using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Dcgan.Cli.Tests.Infrastructure;
using SkiaSharp;

namespace Dcgan.Cli.Tests;

/// <summary>
/// The commands with --broker against a private RabbitMQ and Azurite, and a worker hosted in the test process that
/// uses them like a deployed one.
/// </summary>
public sealed class BrokerModeTests(LoopbackServers servers) : IClassFixture<LoopbackServers>, IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-cli-broker-").FullName;
    private readonly ConsoleCapture console = new();
    private RemoteWorker worker = null!;

    public async Task InitializeAsync() => worker = await RemoteWorker.StartAsync(servers);

    public async Task DisposeAsync()
    {
        console.Dispose();
        await worker.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task TrainThenGenerate_WithStorage_DownloadsVerifiedFiles()
    {
        string output = Path.Combine(directory, "run");

        int trained = await DcganCli.InvokeAsync(
            ["train", .. DcganCli.TinyTraining, "--steps", "4", "--job-id", "remote", .. Remote(output, worker.TrainQueue, "--train-queue")]);
        int generated = await DcganCli.InvokeAsync(
            ["generate", "--model-job", "remote", "--count", "5", "--seed", "9", "--job-id", "remote-images",
             .. Remote(output, worker.GenerateQueue, "--generate-queue")]);

        trained.ShouldBe(0, console.Error);
        generated.ShouldBe(0, console.Error);
        string[] training = CheckManifest(Path.Combine(output, "jobs", "remote", "manifest.json"), output);
        training.ShouldContain("jobs/remote/checkpoints/final.ckpt");
        training.ShouldContain("jobs/remote/losses.csv");
        training.ShouldContain("jobs/remote/losses.png");
        training.ShouldContain(path => path.StartsWith("jobs/remote/samples/", StringComparison.Ordinal));
        string[] generation = CheckManifest(Path.Combine(output, "jobs", "remote-images", "manifest.json"), output);
        generation.Count(path => path.StartsWith("jobs/remote-images/images/image-", StringComparison.Ordinal)).ShouldBe(5);
        generation.ShouldContain("jobs/remote-images/grid.png");
        using SKBitmap first = SKBitmap.Decode(Path.Combine(output, "jobs", "remote-images", "images", "image-00000.png"));
        first.Width.ShouldBe(16);
        console.Output.ShouldContain("Job remote started on worker");
        console.Output.ShouldContain($"Checkpoint: {Path.Combine(output, "jobs", "remote", "checkpoints", "final.ckpt")}");
        console.Output.ShouldContain($"amqp://{LoopbackServers.ClientUser}:***@127.0.0.1:{servers.RabbitMqPort}/");
        CheckNoSecrets();
    }

    [Fact]
    public async Task Generate_WithoutStorage_PrintsArtifactUris()
    {
        string output = Path.Combine(directory, "uris");
        await DcganCli.InvokeAsync(
            ["train", .. DcganCli.TinyTraining, "--steps", "2", "--job-id", "uri-model", .. Remote(output, worker.TrainQueue, "--train-queue")]);

        int exitCode = await DcganCli.InvokeAsync(
            "generate", "--model-job", "uri-model", "--count", "2", "--job-id", "uri-images", "--broker", servers.ClientBrokerUri,
            "--generate-queue", worker.GenerateQueue, "--output", output);

        exitCode.ShouldBe(0, console.Error);
        console.Output.ShouldContain(
            $"Grid:     http://127.0.0.1:{servers.AzuritePort}/devstoreaccount1/{worker.ArtifactContainer}/jobs/uri-images/grid.png");
        Directory.Exists(Path.Combine(output, "jobs", "uri-images")).ShouldBeFalse();
        CheckNoSecrets();
    }

    [Fact]
    public async Task Generate_UnknownModelJob_PrintsReasonAndErrors()
    {
        int exitCode = await DcganCli.InvokeAsync(
            ["generate", "--model-job", "never-trained", "--job-id", "failing", .. Remote(directory, worker.GenerateQueue, "--generate-queue")]);

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("Error: Model not found: the final checkpoint of training job 'never-trained'");
        console.Error.ShouldContain("  - Model: the final checkpoint of training job 'never-trained' not found");
        CheckNoSecrets();
    }

    [Fact]
    public async Task Train_CommandRejectedByWorker_PrintsReason()
    {
        int exitCode = await DcganCli.InvokeAsync(
            ["train", "--steps", "1", "--limit", "2000000", "--job-id", "invalid",
             .. Remote(directory, worker.TrainQueue, "--train-queue")]);

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("Dataset.MaxImages 2000000 is out of range");
    }

    [Fact]
    public async Task Train_ImageFolder_RejectedWithBroker()
    {
        int exitCode = await DcganCli.InvokeAsync(
            ["train", "--image-folder", directory, .. Remote(directory, worker.TrainQueue, "--train-queue")]);

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("--image-folder cannot be used with --broker");
    }

    [Fact]
    public async Task Download_ChangedBlob_FailsChecksum()
    {
        BlobContainerClient container = await CreateContainerAsync();
        await container.UploadBlobAsync("jobs/changed/losses.csv", BinaryData.FromString("step\n1\n"));
        await UploadManifestAsync(container, "changed", "jobs/changed/losses.csv", size: 7, sha256: new string('0', 64));
        var downloader = new ArtifactDownloader(servers.StorageConnectionString, container.Name);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => downloader.DownloadJobAsync("changed", directory, CancellationToken.None));

        exception.Message.ShouldContain("Artifact 'jobs/changed/losses.csv' has 7 bytes with SHA-256");
        File.Exists(Path.Combine(directory, "jobs", "changed", "losses.csv")).ShouldBeFalse();
        Directory.GetFiles(Path.Combine(directory, "jobs", "changed")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_ManifestOutsideJob_Rejected()
    {
        BlobContainerClient container = await CreateContainerAsync();
        await UploadManifestAsync(container, "escape", "jobs/other/final.ckpt", size: 1, sha256: new string('0', 64));
        var downloader = new ArtifactDownloader(servers.StorageConnectionString, container.Name);

        InvalidDataException exception = await Should.ThrowAsync<InvalidDataException>(
            () => downloader.DownloadJobAsync("escape", directory, CancellationToken.None));

        exception.Message.ShouldContain("lists 'jobs/other/final.ckpt', which is not a plain name under 'jobs/escape/'");
    }

    [Fact]
    public async Task Download_MissingManifest_NamesContainer()
    {
        BlobContainerClient container = await CreateContainerAsync();
        var downloader = new ArtifactDownloader(servers.StorageConnectionString, container.Name);

        FileNotFoundException exception = await Should.ThrowAsync<FileNotFoundException>(
            () => downloader.DownloadJobAsync("absent", directory, CancellationToken.None));

        exception.Message.ShouldContain($"Manifest 'jobs/absent/manifest.json' was not found in container '{container.Name}'");
    }

    [Fact]
    public void Downloader_InvalidConnectionString_HidesIt()
    {
        ArgumentException exception = Should.Throw<ArgumentException>(
            () => new ArtifactDownloader("AccountKey=secret-3;nonsense", "c"));

        exception.Message.ShouldContain("--storage-connection-string is not a valid Azure Storage connection string");
        exception.Message.ShouldNotContain("secret-3");
    }

    private async Task<BlobContainerClient> CreateContainerAsync()
    {
        var client = new BlobContainerClient(
            servers.StorageConnectionString,
            $"manual-{Guid.NewGuid():N}"[..30],
            new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06));
        await client.CreateAsync();
        return client;
    }

    private static async Task UploadManifestAsync(
        BlobContainerClient container,
        string jobId,
        string artifact,
        long size,
        string sha256)
    {
        string json = JsonSerializer.Serialize(new
        {
            jobId,
            kind = "training",
            status = "completed",
            createdAt = DateTimeOffset.UnixEpoch,
            artifacts = new[] { new { path = artifact, contentType = "text/csv", size, sha256 } },
        });
        await container.UploadBlobAsync($"jobs/{jobId}/manifest.json", BinaryData.FromString(json));
    }

    private string[] Remote(string output, string queue, string queueOption) =>
    [
        "--broker", servers.ClientBrokerUri,
        queueOption, queue,
        "--storage-connection-string", servers.StorageConnectionString,
        "--artifact-container", worker.ArtifactContainer,
        "--output", output,
    ];

    /// <summary>Checks every file listed in a downloaded manifest against its SHA-256 and returns the listed names.</summary>
    private static string[] CheckManifest(string manifestFile, string output)
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(manifestFile));
        var names = new List<string>();
        foreach (JsonElement artifact in manifest.RootElement.GetProperty("artifacts").EnumerateArray())
        {
            string name = artifact.GetProperty("path").GetString()!;
            byte[] content = File.ReadAllBytes(Path.Combine(output, name));
            Convert.ToHexStringLower(SHA256.HashData(content)).ShouldBe(artifact.GetProperty("sha256").GetString(), name);
            content.LongLength.ShouldBe(artifact.GetProperty("size").GetInt64(), name);
            names.Add(name);
        }

        return [.. names];
    }

    private void CheckNoSecrets()
    {
        foreach ((string stream, string text) in new[] { ("stdout", console.Output), ("stderr", console.Error) })
        {
            text.ShouldNotContain(servers.ClientPassword, customMessage: stream);
            text.ShouldNotContain(LoopbackServers.AzuriteAccountKey, customMessage: stream);
            text.ShouldNotContain("AccountKey", customMessage: stream);
        }

        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string content = File.ReadAllText(file);
            content.ShouldNotContain(servers.ClientPassword, customMessage: file);
            content.ShouldNotContain(LoopbackServers.AzuriteAccountKey, customMessage: file);
        }
    }
}
