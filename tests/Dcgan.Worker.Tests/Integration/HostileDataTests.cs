using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Dcgan.Contracts;
using Dcgan.Engine.Tests.Data;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using Dcgan.Worker.Tests.Storage;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Hostile user data sets uploaded to Azurite and named in training commands sent through RabbitMQ to a worker
/// process. Each must fail its job once with a reason that names the file and the limit, while the worker keeps
/// running, stays within a memory bound and writes nothing outside its data-set folder.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class HostileDataTests(BrokerAndStorageFixture servers, ITestOutputHelper output) : IDisposable
{
    // This test's worker peaked at about 330 MiB after all its jobs (measured on a shared 2-core VM), so 1 GiB
    // leaves room for noise. Decoding the bomb image alone would need 60000 × 60000 × 4 bytes = 14.4 GB.
    private const long PeakMemoryBound = 1024L * 1024 * 1024;

    // Limits far below the defaults, so that files of a few megabytes exceed them.
    private const int MaxFiles = 50;
    private const long MaxFileBytes = 4L * 1024 * 1024;
    private const int MaxZipEntries = 100;

    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(2);

    private readonly TemporaryFolder root = new();

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task HostileDatasets_FailOnceAndWorkerKeepsServing()
    {
        Stopwatch testClock = Stopwatch.StartNew();
        WorkerNames names = WorkerNames.Unique();
        BlobContainerClient datasets = await CreateDatasetContainerAsync(names);
        (string Name, DatasetReference Dataset, string[] Expected)[] cases = await UploadHostileDatasetsAsync(datasets);
        string workDirectory = root.Combine("work");
        string temporaryDirectory = root.Combine("tmp");
        Directory.CreateDirectory(temporaryDirectory);
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using WorkerProcess worker = WorkerProcess.Start(
            servers,
            names,
            new Dictionary<string, string>
            {
                ["Dcgan__WorkDirectory"] = workDirectory,
                ["TMPDIR"] = temporaryDirectory,
                ["Dcgan__Storage__DatasetLimits__MaxFiles"] = MaxFiles.ToString(CultureInfo.InvariantCulture),
                ["Dcgan__Storage__DatasetLimits__MaxFileBytes"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
                ["Dcgan__Storage__DatasetLimits__MaxZipEntries"] = MaxZipEntries.ToString(CultureInfo.InvariantCulture),
            });

        List<string> hostileJobs = [];
        foreach ((string name, DatasetReference dataset, string[] expected) in cases)
        {
            string job = $"hostile-{name}-{Guid.NewGuid():N}";
            hostileJobs.Add(job);
            await client.SendAsync(new TrainModel { JobId = job, Dataset = dataset, Settings = TinyCommands.Settings(4) });
            JobFailed failed = await client.WaitForAsync<JobFailed>(job, e => e.JobId == job, JobTimeout);

            output.WriteLine($"{name}: {failed.Reason}");
            failed.IsInvalidCommand.ShouldBeTrue(failed.Reason);
            foreach (string part in expected)
            {
                failed.Reason.ShouldContain(part, Case.Sensitive, $"case {name}");
            }
        }

        string validJob = "after-hostile-" + Guid.NewGuid().ToString("N");
        await client.SendAsync(TinyCommands.Train(validJob, maxSteps: 4));
        await client.WaitForAsync<TrainingCompleted>(validJob, e => e.JobId == validJob, JobTimeout);
        await Task.Delay(SettleDelay);
        long peakBytes = worker.ReadPeakResidentBytes();

        output.WriteLine(
            $"Peak resident memory {peakBytes / (1024 * 1024)} MiB (bound {PeakMemoryBound / (1024 * 1024)} MiB); " +
            $"test took {testClock.Elapsed.TotalSeconds:F1} s");
        worker.HasExited.ShouldBeFalse(worker.Output);
        peakBytes.ShouldBeLessThan(PeakMemoryBound);
        foreach (string job in hostileJobs)
        {
            client.All<JobFailed>().Count(e => e.JobId == job).ShouldBe(1, $"{job} failed more than once");
            client.All<JobStarted>().Count(e => e.JobId == job).ShouldBeLessThanOrEqualTo(1, $"{job} was delivered again");
        }

        string expectedWorkerId = $"{Environment.MachineName}-{worker.ProcessId}";
        client.All<JobStarted>().Select(e => e.WorkerId).Distinct().ShouldBe([expectedWorkerId]);
        FilesNamed("escaped.png").ShouldBeEmpty();
        foreach (string folder in (string[])[workDirectory, temporaryDirectory])
        {
            Directory.GetFileSystemEntries(folder, "dcgan-dataset-*").ShouldBeEmpty($"data-set files left in {folder}");
        }
    }

    private async Task<BlobContainerClient> CreateDatasetContainerAsync(WorkerNames names)
    {
        BlobContainerClient container = ArtifactBlobs.Container(servers.Azurite, names.DatasetContainer);
        await container.CreateIfNotExistsAsync(PublicAccessType.None);
        return container;
    }

    /// <summary>
    /// Uploads one hostile data set per case and returns each with the parts that its failure reason must contain.
    /// </summary>
    private static async Task<(string Name, DatasetReference Dataset, string[] Expected)[]> UploadHostileDatasetsAsync(
        BlobContainerClient datasets)
    {
        await Upload(datasets, "bomb/huge.png", HostileImages.PngDeclaringSize(60_000, 60_000));
        await Upload(
            datasets,
            "escape.zip",
            DatasetFiles.Zip(("a.png", DatasetFiles.Png(10)), ("../escaped.png", DatasetFiles.Png(20))));

        // 2 MiB of zeros deflate to about 2 KiB, a ratio far above MaxCompressionRatio (100). The 32 MiB entry
        // exceeds MaxFileBytes already by its declared size.
        await Upload(datasets, "ratiobomb.zip", DatasetFiles.Zip(("zeros.png", new byte[2 * 1024 * 1024])));
        await Upload(datasets, "sizebomb.zip", DatasetFiles.Zip(("zeros.png", new byte[32 * 1024 * 1024])));
        await Upload(
            datasets,
            "entries.zip",
            DatasetFiles.Zip([.. Enumerable.Range(0, MaxZipEntries + 1).Select(i => ($"e/{i:D3}.txt", Array.Empty<byte>()))]));
        await Upload(datasets, "large/large.png", RandomNumberGenerator.GetBytes((int)MaxFileBytes + 1));
        for (int i = 0; i <= MaxFiles; i++)
        {
            await Upload(datasets, $"many/{i:D3}.png", DatasetFiles.Png((byte)i));
        }

        // The worker reads IDX files only from its own data directory, never from the data-set container.
        await Upload(datasets, "idx/train-images-idx3-ubyte", [0, 0, 8, 3, 0x7F, 0xFF, 0xFF, 0xFF]);

        return
        [
            ("bomb", Prefix("bomb/"), ["'huge.png'", "60000×60000", "above the limit of 40000000 pixels"]),
            ("escape", Zip("escape.zip"), ["'../escaped.png'", "'escape.zip'", "is unsafe"]),
            ("ratiobomb", Zip("ratiobomb.zip"), ["'zeros.png'", "declares 2097152 bytes", "MaxCompressionRatio (100)"]),
            ("sizebomb", Zip("sizebomb.zip"), ["'zeros.png'", "declares 33554432 bytes", $"MaxFileBytes ({MaxFileBytes} bytes)"]),
            ("entries", Zip("entries.zip"), ["'entries.zip'", $"{MaxZipEntries + 1} entries", $"MaxZipEntries ({MaxZipEntries})"]),
            ("large", Prefix("large/"), ["'large/large.png'", $"{MaxFileBytes + 1} bytes", $"MaxFileBytes ({MaxFileBytes} bytes)"]),
            ("many", Prefix("many/"), ["'many/'", $"{MaxFiles + 1} images", $"MaxFiles ({MaxFiles})"]),
            ("idx", Prefix("idx/"), ["No .png, .jpg or .jpeg files found under prefix 'idx/'"]),
        ];
    }

    private static async Task Upload(BlobContainerClient container, string name, byte[] content) =>
        await container.GetBlobClient(name).UploadAsync(new BinaryData(content));

    private static DatasetReference Prefix(string name) =>
        new() { Kind = DatasetKind.BlobPrefix, Name = name, MaxImages = TinyCommands.Images };

    private static DatasetReference Zip(string name) =>
        new() { Kind = DatasetKind.ZipBlob, Name = name, MaxImages = TinyCommands.Images };

    private string[] FilesNamed(string fileName) =>
        Directory.GetFiles(root.Path, fileName, SearchOption.AllDirectories);
}
