using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Training;

public sealed class DcganTrainerTests : IDisposable
{
    private static readonly TrainingConfig TinyConfig = new()
    {
        Model = new ModelConfig { ImageSize = 16, Channels = 1, GeneratorFeatures = 8, DiscriminatorFeatures = 8 },
        BatchSize = 16,
        MaxSteps = 6,
        CheckpointEvery = 2,
        SampleEvery = 3,
        SampleCount = 9,
        Seed = 21,
        Device = "cpu",
    };

    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-trainer-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Train_ShortRun_WritesCheckpointGridsAndHistory()
    {
        var artifacts = new List<TrainingArtifact>();
        var trainer = new DcganTrainer { ArtifactWritten = artifacts.Add };

        TrainingResult result = trainer.Train(TinyConfig, FashionMnistSubset.First(128), directory);

        result.Steps.ShouldBe(6);
        File.Exists(result.FinalCheckpointPath).ShouldBeTrue();
        CheckpointFile.ReadInfo(result.FinalCheckpointPath).Step.ShouldBe(6);
        result.SampleGridPaths.Count.ShouldBe(2);
        using (SKBitmap grid = SKBitmap.Decode(result.SampleGridPaths[^1]))
        {
            grid.Width.ShouldBe(3 * (16 + 2) + 2);
        }

        File.ReadAllLines(result.LossHistoryPath).Length.ShouldBe(1 + 6);
        SKBitmap.Decode(result.LossPlotPath).ShouldNotBeNull();
        artifacts.Select(a => a.RelativePath).ShouldContain("checkpoints/final.ckpt");
        artifacts.Select(a => a.RelativePath).ShouldContain("checkpoints/step-00000004.ckpt");
        artifacts.Select(a => a.RelativePath).ShouldContain("samples/step-00000003.png");
        artifacts.ShouldAllBe(a => File.Exists(a.LocalPath) || a.Kind == TrainingArtifactKind.StepCheckpoint);
    }

    [Fact]
    public void Train_ResumedFromStepCheckpoint_EndsWithSameWeights()
    {
        string uninterrupted = Path.Combine(directory, "uninterrupted");
        string interrupted = Path.Combine(directory, "interrupted");
        new DcganTrainer().Train(TinyConfig, FashionMnistSubset.First(128), uninterrupted);
        new DcganTrainer().Train(TinyConfig with { MaxSteps = 4 }, FashionMnistSubset.First(128), interrupted);
        string resumeFrom = Path.Combine(interrupted, "checkpoints", "step-00000002.ckpt");

        TrainingResult resumed = new DcganTrainer().Train(
            TinyConfig,
            FashionMnistSubset.First(128),
            interrupted,
            resumeFrom: resumeFrom);

        resumed.Steps.ShouldBe(6);
        File.ReadAllLines(resumed.LossHistoryPath).Length.ShouldBe(1 + 6);
        using DcganGenerator expected = CheckpointFile.LoadGenerator(
            Path.Combine(uninterrupted, "checkpoints", "final.ckpt"),
            CPU,
            out _);
        using DcganGenerator actual = CheckpointFile.LoadGenerator(resumed.FinalCheckpointPath, CPU, out _);
        foreach ((string name, Tensor value) in expected.state_dict())
        {
            value.allclose(actual.state_dict()[name], rtol: 1e-5, atol: 1e-6).ShouldBeTrue($"{name} differs");
        }
    }

    [Fact]
    public void Train_Cancelled_SavesCheckpointOfLastStep()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Step == 3)
            {
                cancellation.Cancel();
            }
        });

        Should.Throw<OperationCanceledException>(() => new DcganTrainer().Train(
            TinyConfig with { CheckpointEvery = 100 },
            FashionMnistSubset.First(128),
            directory,
            progress,
            cancellationToken: cancellation.Token));

        string checkpoint = Path.Combine(directory, "checkpoints", "step-00000003.ckpt");
        File.Exists(checkpoint).ShouldBeTrue();
        CheckpointFile.ReadInfo(checkpoint).Step.ShouldBe(3);
        File.Exists(Path.Combine(directory, "checkpoints", "final.ckpt")).ShouldBeFalse();
    }

    [Fact]
    public void Train_FewerImagesThanBatch_IsRejectedBeforeTraining()
    {
        var error = Should.Throw<ArgumentException>(
            () => new DcganTrainer().Train(TinyConfig, FashionMnistSubset.First(10), directory));

        error.Message.ShouldContain("10 images");
        error.Message.ShouldContain("batch size 16");
    }

    [Fact]
    public void Train_InvalidConfig_ListsEveryProblem()
    {
        TrainingConfig config = TinyConfig with
        {
            BatchSize = 1,
            LearningRate = -1,
            Model = TinyConfig.Model with { ImageSize = 48 },
        };

        var error = Should.Throw<ArgumentException>(
            () => new DcganTrainer().Train(config, FashionMnistSubset.First(128), directory));

        error.Message.ShouldContain("Image size 48");
        error.Message.ShouldContain("Batch size 1");
        error.Message.ShouldContain("Learning rate -1");
    }
}
