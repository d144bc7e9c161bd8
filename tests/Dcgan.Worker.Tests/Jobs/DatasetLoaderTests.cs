using Dcgan.Contracts;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Tests.Data;
using Dcgan.Engine.Training;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;
using Dcgan.Worker.Tests.Storage;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Jobs;

/// <summary>User data sets from a local data-set folder, prepared and loaded as a training job does.</summary>
public sealed class DatasetLoaderTests : IDisposable
{
    private readonly TemporaryFolder root = new();

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task Load_OnlyBomb_IsInvalidJob()
    {
        WriteDatasetFile("bomb/huge.png", HostileImages.PngDeclaringSize(60_000, 60_000));

        using PreparedDataset dataset = await Loader().PrepareAsync(Request("bomb/", imageSize: 16), CancellationToken.None);
        InvalidJobException exception = Should.Throw<InvalidJobException>(dataset.Load);

        exception.Message.ShouldContain("'huge.png'");
        exception.Message.ShouldContain($"above the limit of {ImageFolderLoader.DefaultMaxPixelCount} pixels");
    }

    [Fact]
    public async Task Load_TooManyImages_IsInvalidJob()
    {
        // At 1024×1024×3 bytes each, 682 images fit in one .NET array. The count is checked before decoding.
        for (int i = 0; i < 683; i++)
        {
            WriteDatasetFile($"many/{i:D3}.png", DatasetFiles.Png(1));
        }

        using PreparedDataset dataset = await Loader().PrepareAsync(Request("many/", imageSize: 1024), CancellationToken.None);
        InvalidJobException exception = Should.Throw<InvalidJobException>(dataset.Load);

        exception.Message.ShouldContain("683 images");
        exception.Message.ShouldContain("at most 682");
        exception.Message.ShouldContain("Dataset.MaxImages");
        exception.Message.ShouldNotContain("Parameter");
    }

    [Fact]
    public async Task PrepareAsync_DownloadsIntoWorkDirectory()
    {
        WriteDatasetFile("set/a.png", DatasetFiles.Png(1));

        using PreparedDataset dataset = await Loader().PrepareAsync(Request("set/", imageSize: 16), CancellationToken.None);

        Directory.GetDirectories(root.Combine("work"), "dcgan-dataset-*").ShouldHaveSingleItem();
        dataset.Dispose();
        Directory.GetDirectories(root.Combine("work"), "dcgan-dataset-*").ShouldBeEmpty();
    }

    private DatasetLoader Loader()
    {
        DatasetFetcher fetcher = new(
            new LocalFolderDatasetSource(root.Combine("datasets")),
            Options.Create(new DatasetLimits()),
            new TestLogger<DatasetFetcher>());
        WorkerOptions options = new() { WorkDirectory = root.Combine("work") };
        return new DatasetLoader(fetcher, Options.Create(options), new TestLogger<DatasetLoader>());
    }

    // The validator allows at most 128 pixels per side; the loader itself accepts up to 1024.
    private static TrainingRequest Request(string prefix, int imageSize)
    {
        TrainModel command = new()
        {
            JobId = "loader-" + Guid.NewGuid().ToString("N"),
            Dataset = new DatasetReference { Kind = DatasetKind.BlobPrefix, Name = prefix },
        };
        TrainingConfig config = new() { Model = new ModelConfig { ImageSize = imageSize, Channels = 3 } };
        return new TrainingRequest(command, config, MaxImages: 60_000);
    }

    private void WriteDatasetFile(string name, byte[] content)
    {
        string path = root.Combine("datasets", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
