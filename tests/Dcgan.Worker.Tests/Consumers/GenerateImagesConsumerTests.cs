using System.Security.Cryptography;
using Dcgan.Contracts;
using Dcgan.Worker.Storage;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Dcgan.Worker.Tests.Consumers;

[Collection(TrainingCollection.Name)]
public sealed class GenerateImagesConsumerTests(TrainedModelFixture fixture)
{
    private WorkerHarness Worker => fixture.Worker;

    [Fact]
    public async Task Generate_StoresDecodablePngs()
    {
        GenerationCompleted completed = await GenerateAsync(TinyCommands.Generate("gen-ten", TrainedModelFixture.JobId));

        completed.IsReplay.ShouldBeFalse();
        completed.ImageCount.ShouldBe(10);
        completed.ImagesPerSecond.ShouldBeGreaterThan(0);
        completed.Images.Select(image => image.Path).ShouldBe(
            Enumerable.Range(0, 10).Select(index => $"jobs/gen-ten/images/image-{index:D5}.png"));
        foreach (ArtifactLocation image in completed.Images)
        {
            using SKBitmap bitmap = SKBitmap.Decode(Worker.LocalPath(image.Path));
            bitmap.ShouldNotBeNull(image.Path);
            bitmap.Width.ShouldBe(TinyCommands.ImageSize);
            bitmap.Height.ShouldBe(TinyCommands.ImageSize);
        }

        using SKBitmap grid = SKBitmap.Decode(Worker.LocalPath(completed.Grid!.Path));
        grid.ShouldNotBeNull();

        // Ten images make a 4 × 3 grid with 2-pixel borders.
        grid.Width.ShouldBe(4 * (TinyCommands.ImageSize + 2) + 2);
        grid.Height.ShouldBe(3 * (TinyCommands.ImageSize + 2) + 2);
        Worker.PublishedSoFar<JobStarted>(message => message.JobId == "gen-ten").ShouldHaveSingleItem().Kind.ShouldBe(JobKind.Generation);
    }

    [Fact]
    public async Task Generate_ManifestListsImagesAndGrid()
    {
        GenerationCompleted completed = await GenerateAsync(TinyCommands.Generate("gen-manifest", TrainedModelFixture.JobId, count: 3));
        JobManifest manifest = (await Worker.Services.GetRequiredService<JobManifestStore>()
            .TryReadAsync(Worker.Store, "gen-manifest", CancellationToken.None))!;

        manifest.ImageCount.ShouldBe(3);
        manifest.Artifacts.Select(entry => entry.Path).ShouldBe(
            completed.Images.Select(image => image.Path).Append(completed.Grid!.Path));
        foreach (ManifestEntry entry in manifest.Artifacts)
        {
            byte[] content = await File.ReadAllBytesAsync(Worker.LocalPath(entry.Path));
            entry.ContentType.ShouldBe("image/png");
            entry.Size.ShouldBe(content.Length, entry.Path);
            entry.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(content)), entry.Path);
        }
    }

    [Fact]
    public async Task Generate_SameSeedGivesSameImages()
    {
        GenerationCompleted first = await GenerateAsync(TinyCommands.Generate("gen-seed-a", TrainedModelFixture.JobId, count: 4));
        GenerationCompleted second = await GenerateAsync(new GenerateImages
        {
            JobId = "gen-seed-b",
            Model = new ModelReference { CheckpointPath = fixture.Completed.Checkpoint.Path },
            Count = 4,
            Seed = 3,
        });

        for (int index = 0; index < 4; index++)
        {
            byte[] expected = await File.ReadAllBytesAsync(Worker.LocalPath(first.Images[index].Path));
            byte[] actual = await File.ReadAllBytesAsync(Worker.LocalPath(second.Images[index].Path));
            actual.ShouldBe(expected, $"image {index}");
        }
    }

    [Fact]
    public async Task Generate_SameJobIdReplays()
    {
        GenerateImages command = TinyCommands.Generate("gen-replay", TrainedModelFixture.JobId, count: 2);
        GenerationCompleted original = await GenerateAsync(command);

        await Worker.SendAsync(command);
        GenerationCompleted replay = await Worker.WaitForPublishedAsync<GenerationCompleted>(
            message => message.JobId == "gen-replay" && message.IsReplay);

        replay.Images.ShouldBe(original.Images);
        replay.Grid.ShouldBe(original.Grid);
        replay.ImageCount.ShouldBe(2);
        Worker.PublishedSoFar<JobStarted>(message => message.JobId == "gen-replay").Count.ShouldBe(1);
    }

    private async Task<GenerationCompleted> GenerateAsync(GenerateImages command)
    {
        await Worker.SendAsync(command);
        return await Worker.WaitForPublishedAsync<GenerationCompleted>(message => message.JobId == command.JobId);
    }
}
