using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Training;

/// <summary>
/// Scores at checkpoints with the committed classifier, on 300 real Fashion-MNIST images at 32×32 with 8 feature maps
/// per network and 200 scored images, so a run takes seconds.
/// </summary>
public sealed class CheckpointScoringTests : IDisposable
{
    private const string ClassifierVersion = "fashion-mnist-cnn-1";

    private static readonly TrainingConfig ScoredConfig = new()
    {
        Model = new ModelConfig { ImageSize = 32, Channels = 1, GeneratorFeatures = 8, DiscriminatorFeatures = 8 },
        BatchSize = 30,
        MaxSteps = 30,
        CheckpointEvery = 10,
        SampleEvery = 100,
        KeepCheckpoints = 5,
        SampleCount = 4,
        Seed = 5,
        Device = "cpu",
        EvaluationImages = 200,
    };

    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-scores-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static ImageData Images => FashionMnistSubset.First(300);

    [Fact]
    public void Train_Scored_RecordsEveryCheckpoint()
    {
        var reports = new List<TrainingProgress>();
        var artifacts = new List<TrainingArtifact>();
        var trainer = new DcganTrainer { ArtifactWritten = artifacts.Add };

        TrainingResult result = trainer.Train(ScoredConfig, Images, directory, new SynchronousProgress(reports.Add));

        result.Scores.Select(score => score.Step).ShouldBe([10L, 20L, 30L]);
        foreach (CheckpointScore score in result.Scores)
        {
            double.IsFinite(score.FrechetDistance).ShouldBeTrue($"step {score.Step}");
            score.FrechetDistance.ShouldBeGreaterThan(0, $"step {score.Step}");
            score.Precision.ShouldBeInRange(0, 1, $"step {score.Step}");
            score.Recall.ShouldBeInRange(0, 1, $"step {score.Step}");
            score.ClassifierVersion.ShouldBe(ClassifierVersion);
        }

        result.ScoreHistoryPath.ShouldBe(Path.Combine(directory, "scores.csv"));
        File.ReadAllLines(result.ScoreHistoryPath!)[0].ShouldBe("step,frechet_distance,precision,recall,classifier_version");
        ScoreHistory.ReadCsv(result.ScoreHistoryPath!).Records.ShouldBe(result.Scores);
        artifacts.Count(a => a.Kind == TrainingArtifactKind.ScoreHistory).ShouldBe(3);

        reports.Select(report => report.Step).ShouldBe(Enumerable.Range(1, 30).Select(step => (long)step));
        reports.Single(report => report.Step == 9).LatestScore.ShouldBeNull();
        reports.Single(report => report.Step == 10).LatestScore.ShouldBe(result.Scores[0]);
        reports.Single(report => report.Step == 19).LatestScore.ShouldBe(result.Scores[0]);
        reports.Single(report => report.Step == 20).LatestScore.ShouldBe(result.Scores[1]);
        reports.Single(report => report.Step == 30).LatestScore.ShouldBe(result.Scores[2]);
    }

    [Fact]
    public void Train_Scored_BestCheckpointIsLowestDistance()
    {
        var artifacts = new List<TrainingArtifact>();
        var trainer = new DcganTrainer { ArtifactWritten = artifacts.Add };

        TrainingResult result = trainer.Train(ScoredConfig, Images, directory);

        CheckpointScore lowest = result.Scores.MinBy(score => score.FrechetDistance)!;
        result.BestScore.ShouldBe(lowest);
        string bestPath = result.BestCheckpointPath!;
        bestPath.ShouldBe(Path.Combine(directory, "checkpoints", "best.ckpt"));
        CheckpointFile.ReadInfo(bestPath).Step.ShouldBe(lowest.Step);
        string source = lowest.Step == 30
            ? result.FinalCheckpointPath
            : Path.Combine(directory, "checkpoints", $"step-{lowest.Step:D8}.ckpt");
        File.ReadAllBytes(bestPath).ShouldBe(File.ReadAllBytes(source));

        TrainingArtifact lastBest = artifacts.Last(a => a.Kind == TrainingArtifactKind.BestCheckpoint);
        lastBest.RelativePath.ShouldBe("checkpoints/best.ckpt");
        lastBest.Step.ShouldBe(lowest.Step);
        lastBest.Score.ShouldBe(lowest);
        artifacts.Where(a => a.Kind == TrainingArtifactKind.BestCheckpoint)
            .Select(a => a.Score!.FrechetDistance)
            .ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public void Train_ScoringOnOrOff_SameWeights()
    {
        string scoredFolder = Path.Combine(directory, "scored");
        string plainFolder = Path.Combine(directory, "plain");

        TrainingResult scored = new DcganTrainer().Train(ScoredConfig, Images, scoredFolder);
        TrainingResult plain = new DcganTrainer().Train(ScoredConfig with { EvaluationImages = 0 }, Images, plainFolder);

        scored.Scores.Count.ShouldBe(3);
        plain.Scores.ShouldBeEmpty();
        plain.BestScore.ShouldBeNull();
        plain.BestCheckpointPath.ShouldBeNull();
        File.Exists(Path.Combine(plainFolder, "scores.csv")).ShouldBeFalse();
        File.ReadAllText(scored.LossHistoryPath).ShouldBe(File.ReadAllText(plain.LossHistoryPath));
        using TrainingSession withScores = CheckpointFile.LoadSession(scored.FinalCheckpointPath, CPU);
        using TrainingSession withoutScores = CheckpointFile.LoadSession(plain.FinalCheckpointPath, CPU);
        ShouldBeEqual(withScores.Generator, withoutScores.Generator);
        ShouldBeEqual(withScores.Discriminator, withoutScores.Discriminator);
        withScores.Generator.training.ShouldBeTrue();
    }

    [Fact]
    public void Train_ResumedWithScores_KeepsEarlierScores()
    {
        string uninterrupted = Path.Combine(directory, "uninterrupted");
        string interrupted = Path.Combine(directory, "interrupted");
        TrainingResult expected = new DcganTrainer().Train(ScoredConfig, Images, uninterrupted);
        new DcganTrainer().Train(ScoredConfig with { MaxSteps = 20 }, Images, interrupted);

        TrainingResult resumed = new DcganTrainer().Train(
            ScoredConfig,
            Images,
            interrupted,
            resumeFrom: Path.Combine(interrupted, "checkpoints", "step-00000010.ckpt"));

        resumed.Scores.Select(score => score.Step).ShouldBe([10L, 20L, 30L]);
        resumed.Scores[0].ShouldBe(expected.Scores[0]);
        for (int i = 1; i < 3; i++)
        {
            // The resumed weights match up to rounding, so a borderline image may land on the other side of a
            // k-NN radius. One image of 200 moves precision or recall by 0.005.
            resumed.Scores[i].FrechetDistance.ShouldBe(expected.Scores[i].FrechetDistance, expected.Scores[i].FrechetDistance * 1e-3);
            resumed.Scores[i].Precision.ShouldBe(expected.Scores[i].Precision, 0.0101);
            resumed.Scores[i].Recall.ShouldBe(expected.Scores[i].Recall, 0.0101);
        }

        ScoreHistory.ReadCsv(Path.Combine(interrupted, "scores.csv")).Records.ShouldBe(resumed.Scores);
        resumed.BestScore.ShouldBe(resumed.Scores.MinBy(score => score.FrechetDistance));
    }

    [Fact]
    public void Train_ClassifierMissing_FailsBeforeTraining()
    {
        string missing = Path.Combine(directory, "no-classifier.bin");
        var trainer = new DcganTrainer { ClassifierPath = missing };

        var error = Should.Throw<FileNotFoundException>(() => trainer.Train(ScoredConfig, Images, directory));

        error.Message.ShouldContain($"'{missing}'");
        Directory.GetFiles(Path.Combine(directory, "checkpoints")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(99, 32, 1, "Evaluation images 99 is out of range: use 0 to train without scores, or 100 to 10000.")]
    [InlineData(10_001, 32, 1, "Evaluation images 10001 is out of range")]
    [InlineData(-1, 32, 1, "Evaluation images -1 is out of range")]
    [InlineData(200, 16, 1, "Evaluation images 200 is not supported for image size 16 with 1 channel: scores need image size 32 with 1 channel")]
    [InlineData(200, 32, 3, "Evaluation images 200 is not supported for image size 32 with 3 channels")]
    public void Validate_InvalidEvaluation_NamesValueAndRule(int images, int imageSize, int channels, string expected)
    {
        TrainingConfig config = ScoredConfig with
        {
            EvaluationImages = images,
            Model = ScoredConfig.Model with { ImageSize = imageSize, Channels = channels },
        };

        IReadOnlyList<string> errors = config.Validate();

        errors.ShouldHaveSingleItem().ShouldStartWith(expected);
        config.FindProblems().Single().Property.ShouldBe(nameof(TrainingConfig.EvaluationImages));
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(0, 64)]
    [InlineData(100, 32)]
    [InlineData(10_000, 32)]
    public void Validate_ValidEvaluation_HasNoProblem(int images, int imageSize)
    {
        TrainingConfig config = ScoredConfig with
        {
            EvaluationImages = images,
            Model = ScoredConfig.Model with { ImageSize = imageSize },
        };

        config.Validate().ShouldBeEmpty();
    }

    private static void ShouldBeEqual(nn.Module expected, nn.Module actual)
    {
        Dictionary<string, Tensor> actualValues = actual.state_dict();
        foreach ((string name, Tensor value) in expected.state_dict())
        {
            value.equal(actualValues[name]).all().item<bool>().ShouldBeTrue($"{name} differs");
        }
    }
}
