using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dcgan.Cli.Tests.Infrastructure;
using SkiaSharp;

namespace Dcgan.Cli.Tests;

/// <summary>The commands without --broker, with the worker hosted in the test process, on real Fashion-MNIST files.</summary>
public sealed class EmbeddedModeTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-cli-").FullName;
    private readonly ConsoleCapture console = new();

    public void Dispose()
    {
        console.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task TrainThenGenerate_RealSubset_WritesImages()
    {
        string run = Path.Combine(directory, "run");
        string images = Path.Combine(directory, "images");

        int trained = await DcganCli.InvokeAsync(
            ["train", .. DcganCli.TinyTraining, "--steps", "4", "--device", "cpu", "--output", run]);
        string trainingJob = Path.GetFileName(Directory.GetDirectories(Path.Combine(run, "jobs")).Single());
        string checkpoint = Path.Combine(run, "jobs", trainingJob, "checkpoints", "final.ckpt");
        int generated = await DcganCli.InvokeAsync(
            "generate", "--checkpoint", checkpoint, "--count", "5", "--seed", "9", "--device", "cpu", "--output", images);

        trained.ShouldBe(0, console.Error);
        generated.ShouldBe(0, console.Error);
        trainingJob.ShouldMatch(@"^run-[0-9]{8}-[0-9]{6}$");
        string generationJob = Path.GetFileName(Directory.GetDirectories(Path.Combine(images, "jobs")).Single());
        generationJob.ShouldMatch(@"^images-images-[0-9]{8}-[0-9]{6}$");
        string imageFolder = Path.Combine(images, "jobs", generationJob, "images");
        Directory.GetFiles(imageFolder, "image-*.png").Length.ShouldBe(5);
        using (SKBitmap first = SKBitmap.Decode(Path.Combine(imageFolder, "image-00000.png")))
        {
            first.Width.ShouldBe(16);
            first.Height.ShouldBe(16);
        }

        File.Exists(Path.Combine(images, "jobs", generationJob, "grid.png")).ShouldBeTrue();
        console.Output.ShouldContain($"Checkpoint: {checkpoint}");
        console.Output.ShouldContain($"Grid:     {Path.Combine(images, "jobs", generationJob, "grid.png")}");
        Directory.Exists(Path.Combine(run, ".work")).ShouldBeFalse();
        Directory.Exists(Path.Combine(images, ".work")).ShouldBeFalse();
    }

    [Fact]
    public async Task Train_Finished_ManifestMatchesFiles()
    {
        string run = Path.Combine(directory, "run");

        int exitCode = await DcganCli.InvokeAsync(
            ["train", .. DcganCli.TinyTraining, "--steps", "2", "--device", "cpu", "--output", run, "--job-id", "hashed"]);

        exitCode.ShouldBe(0, console.Error);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "jobs", "hashed", "manifest.json")));
        manifest.RootElement.GetProperty("steps").GetInt64().ShouldBe(2);
        JsonElement[] artifacts = [.. manifest.RootElement.GetProperty("artifacts").EnumerateArray()];
        artifacts.Select(a => a.GetProperty("path").GetString()).ShouldContain("jobs/hashed/checkpoints/final.ckpt");
        artifacts.Select(a => a.GetProperty("path").GetString()).ShouldContain("jobs/hashed/losses.csv");
        foreach (JsonElement artifact in artifacts)
        {
            string path = Path.Combine(run, artifact.GetProperty("path").GetString()!);
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))
                .ShouldBe(artifact.GetProperty("sha256").GetString(), path);
        }
    }

    [Fact]
    public async Task Train_JobIdAfterCtrlC_Resumes()
    {
        string run = Path.Combine(directory, "run");
        string[] arguments =
            ["train", .. DcganCli.TinyTraining, "--device", "cpu", "--output", run, "--job-id", "resumed", "--checkpoint-every", "20"];
        string firstCheckpoint = Path.Combine(run, "jobs", "resumed", "checkpoints", "step-00000020.ckpt");

        // Ctrl+C once the first checkpoint is stored; the worker then stores the last completed step.
        using var ctrlC = new CancellationTokenSource();
        Task<int> first = DcganCli.InvokeAsync(ctrlC.Token, [.. arguments, "--steps", "100000"]);
        await WaitForFileAsync(firstCheckpoint, first);
        await ctrlC.CancelAsync();
        int cancelled = await first;
        (string Path, long Step)? stored = StoredCheckpoints.FindNewest(run, "resumed");
        long resumeStep = stored!.Value.Step;
        long totalSteps = resumeStep + 3;
        int resumed = await DcganCli.InvokeAsync([.. arguments, "--steps", totalSteps.ToString()]);
        string resumedOutput = console.Output;
        int replayed = await DcganCli.InvokeAsync([.. arguments, "--steps", totalSteps.ToString()]);

        cancelled.ShouldBe(130, console.Error);
        resumeStep.ShouldBeGreaterThanOrEqualTo(20);
        resumedOutput.ShouldContain($"Job resumed stored a checkpoint at step {resumeStep}");
        resumed.ShouldBe(0, console.Error);
        resumedOutput.ShouldContain($"Job resumed resumed from step {resumeStep} on worker");
        resumedOutput.ShouldContain($"Done: {totalSteps} steps");
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run, "jobs", "resumed", "manifest.json")));
        manifest.RootElement.GetProperty("steps").GetInt64().ShouldBe(totalSteps);
        File.ReadAllLines(Path.Combine(run, "jobs", "resumed", "losses.csv")).Length.ShouldBe((int)totalSteps + 1);
        replayed.ShouldBe(0, console.Error);
        console.Output[resumedOutput.Length..].ShouldContain("Job resumed had already finished");
    }

    [Fact]
    public async Task Generate_ModelJob_SameImagesInBothStores()
    {
        string run = Path.Combine(directory, "run");
        await DcganCli.InvokeAsync(
            ["train", .. DcganCli.TinyTraining, "--steps", "2", "--device", "cpu", "--output", run, "--job-id", "model"]);

        int fromJob = await DcganCli.InvokeAsync(
            "generate", "--model-job", "model", "--count", "3", "--device", "cpu", "--output", run, "--job-id", "by-job");
        int fromOtherStore = await DcganCli.InvokeAsync(
            "generate", "--model-job", "model", "--store", run, "--count", "3", "--device", "cpu",
            "--output", Path.Combine(directory, "other"), "--job-id", "by-copy");

        fromJob.ShouldBe(0, console.Error);
        fromOtherStore.ShouldBe(0, console.Error);
        Directory.Exists(Path.Combine(run, "models")).ShouldBeFalse();
        File.Exists(Path.Combine(directory, "other", "models", "by-copy.ckpt")).ShouldBeTrue();
        byte[] byJob = File.ReadAllBytes(Path.Combine(run, "jobs", "by-job", "images", "image-00002.png"));
        byte[] byCopy = File.ReadAllBytes(Path.Combine(directory, "other", "jobs", "by-copy", "images", "image-00002.png"));
        byCopy.ShouldBe(byJob);
    }

    [Fact]
    public async Task Generate_UnknownModelJob_ListsPath()
    {
        int exitCode = await DcganCli.InvokeAsync(
            "generate", "--model-job", "absent", "--device", "cpu", "--output", Path.Combine(directory, "out"));

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("Training job 'absent' has no final checkpoint");
        console.Error.ShouldContain(Path.Combine(directory, "out", "jobs", "absent", "checkpoints", "final.ckpt"));
    }

    [Fact]
    public async Task Generate_MissingCheckpoint_FailsWithPathInMessage()
    {
        int exitCode = await DcganCli.InvokeAsync(
            "generate", "--checkpoint", $"{directory}/absent.ckpt", "--device", "cpu", "--output", $"{directory}/out");

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("absent.ckpt");
        console.Error.ShouldContain("was not found");
    }

    [Fact]
    public async Task Train_MissingDataDirectory_ListsSearchedPlaces()
    {
        int exitCode = await DcganCli.InvokeAsync(
            "train", "--data-dir", $"{directory}/nothing", "--steps", "1", "--device", "cpu", "--output", $"{directory}/run");

        exitCode.ShouldBe(1);
        console.Error.ShouldContain($"{directory}/nothing");
    }

    [Fact]
    public async Task Train_ImageFolder_TrainsAndReportsUnreadableFile()
    {
        string folder = Path.Combine(directory, "shapes");
        WriteImages(folder, count: 12);
        File.WriteAllText(Path.Combine(folder, "broken.png"), "not a PNG");

        int exitCode = await DcganCli.InvokeAsync(
            "train", "--image-folder", folder, "--steps", "2", "--batch-size", "4", "--image-size", "16",
            "--g-features", "8", "--d-features", "8", "--device", "cpu", "--output", Path.Combine(directory, "run"),
            "--job-id", "shapes");

        exitCode.ShouldBe(0, console.Error);
        File.Exists(Path.Combine(directory, "run", "jobs", "shapes", "checkpoints", "final.ckpt")).ShouldBeTrue();
        console.Error.ShouldContain("broken.png");
    }

    [Theory]
    [InlineData("a%41b", "percent-encoded")]
    [InlineData("c:d", "scheme or drive letter")]
    public void MapImageFolder_NameRejectedByStore_ExplainsRule(string name, string problem)
    {
        string folder = Path.Combine(directory, name);
        Directory.CreateDirectory(folder);

        ArgumentException exception = Should.Throw<ArgumentException>(
            () => TrainCommand.MapImageFolder(new DirectoryInfo(folder)));

        exception.Message.ShouldContain($"--image-folder name '{name}/' is invalid");
        exception.Message.ShouldContain(problem);
        exception.Message.ShouldContain("Rename the folder");
    }

    [Fact]
    public void MapImageFolder_PlainName_SplitsPath()
    {
        string folder = Path.Combine(directory, "sketches");
        Directory.CreateDirectory(folder);

        (string root, string prefix) = TrainCommand.MapImageFolder(new DirectoryInfo(folder + "/"));

        root.ShouldBe(directory);
        prefix.ShouldBe("sketches/");
    }

    [Fact]
    public async Task Train_EvaluateImages_PrintsBestScore()
    {
        string run = Path.Combine(directory, "run");

        int exitCode = await DcganCli.InvokeAsync(
            "train", "--limit", "300", "--batch-size", "30", "--image-size", "32", "--g-features", "8", "--d-features", "8",
            "--steps", "20", "--checkpoint-every", "10", "--evaluate-images", "100", "--device", "cpu", "--output", run,
            "--job-id", "scored");

        exitCode.ShouldBe(0, console.Error);
        string job = Path.Combine(run, "jobs", "scored");
        string[][] rows = [.. File.ReadAllLines(Path.Combine(job, "scores.csv")).Skip(1).Select(line => line.Split(','))];
        rows.Select(row => row[0]).ShouldBe(["10", "20"]);
        string[] best = rows.MinBy(row => double.Parse(row[1], CultureInfo.InvariantCulture))!;
        double distance = double.Parse(best[1], CultureInfo.InvariantCulture);
        console.Output.ShouldContain(string.Create(
            CultureInfo.InvariantCulture,
            $"Best score: step {best[0]}, Fréchet distance {distance:F3}, precision "));
        console.Output.ShouldContain("(classifier fashion-mnist-cnn-1)");
        string bestCheckpoint = Path.Combine(job, "checkpoints", "best.ckpt");
        console.Output.ShouldContain($"Best checkpoint: {bestCheckpoint}");
        File.Exists(bestCheckpoint).ShouldBeTrue();
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(job, "manifest.json")));
        manifest.RootElement.GetProperty("bestCheckpoint").GetProperty("score").GetProperty("step").GetInt64()
            .ShouldBe(long.Parse(best[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Train_EvaluateImagesAtSize16_NamesOptions()
    {
        int exitCode = await DcganCli.InvokeAsync(
            ["train", .. DcganCli.TinyTraining, "--steps", "2", "--evaluate-images", "100", "--output", Path.Combine(directory, "run")]);

        exitCode.ShouldBe(1);
        console.Error.ShouldContain("--evaluate-images needs --image-size 32 and --channels 1");
        console.Error.ShouldContain("--image-size 16 and --channels 1");
        Directory.Exists(Path.Combine(directory, "run", "jobs")).ShouldBeFalse();
    }

    [Fact]
    public async Task Train_MissingImageFolder_FailsWithPath()
    {
        int exitCode = await DcganCli.InvokeAsync(
            "train", "--image-folder", Path.Combine(directory, "none"), "--steps", "1", "--output", Path.Combine(directory, "run"));

        exitCode.ShouldBe(1);
        console.Error.ShouldContain($"Image folder '{Path.Combine(directory, "none")}' not found.");
    }

    private static async Task WaitForFileAsync(string path, Task<int> command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!File.Exists(path))
        {
            if (command.IsCompleted)
            {
                throw new InvalidOperationException($"The command ended with exit code {await command} before {path} appeared.");
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static void WriteImages(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            using var bitmap = new SKBitmap(20, 20);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(SKColors.Black);
                using var paint = new SKPaint { Color = SKColors.White };
                canvas.DrawCircle(10, 10, 3 + (i % 6), paint);
            }

            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"shape-{i:D2}.png"), png.ToArray());
        }
    }
}
