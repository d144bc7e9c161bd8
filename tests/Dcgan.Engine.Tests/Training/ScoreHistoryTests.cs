using Dcgan.Engine.Tests.Data;
using Dcgan.Engine.Training;

namespace Dcgan.Engine.Tests.Training;

public sealed class ScoreHistoryTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void WriteRead_RoundTripsEveryDigit()
    {
        var history = new ScoreHistory();
        history.Add(new CheckpointScore(500, 12.345678901234567, 0.1 + 0.2, 1.0 / 3.0, "fashion-mnist-cnn-1"));
        history.Add(new CheckpointScore(1000, 0.1, 0.995, 0, "fashion-mnist-cnn-1"));
        string path = directory.Combine("scores.csv");

        history.WriteCsv(path);

        ScoreHistory.ReadCsv(path).Records.ShouldBe(history.Records);
        File.Exists(path + ".tmp").ShouldBeFalse();
    }

    [Fact]
    public void ReadCsv_MissingFile_IsEmpty()
    {
        ScoreHistory.ReadCsv(directory.Combine("none.csv")).Records.ShouldBeEmpty();
    }

    [Fact]
    public void ReadCsv_WrongFieldCount_NamesLine()
    {
        string path = directory.Combine("scores.csv");
        File.WriteAllText(path, "step,frechet_distance,precision,recall,classifier_version\n10,1.5,0.5\n");

        Should.Throw<InvalidDataException>(() => ScoreHistory.ReadCsv(path)).Message.ShouldContain("line 2 has 3 fields");
    }

    [Fact]
    public void Add_EarlierStep_ReplacesLaterScores()
    {
        var history = new ScoreHistory();
        history.Add(Score(10, 5));
        history.Add(Score(20, 4));
        history.Add(Score(30, 3));

        history.Add(Score(20, 9));

        history.Records.Select(score => (score.Step, score.FrechetDistance)).ShouldBe([(10L, 5.0), (20L, 9.0)]);
    }

    [Fact]
    public void Best_LowestDistanceOfVersion()
    {
        var history = new ScoreHistory();
        history.Add(Score(10, 5));
        history.Add(Score(20, 2) with { ClassifierVersion = "other" });
        history.Add(Score(30, double.NaN));
        history.Add(Score(40, 3));
        history.Add(Score(50, 3));
        history.Add(Score(60, 4));

        history.Best("v1")!.Step.ShouldBe(40);
        history.Best("other")!.Step.ShouldBe(20);
        history.Best("v2").ShouldBeNull();
    }

    [Fact]
    public void WriteCsv_VersionWithComma_IsRejected()
    {
        var history = new ScoreHistory();
        history.Add(Score(10, 5) with { ClassifierVersion = "a,b" });

        Should.Throw<ArgumentException>(() => history.WriteCsv(directory.Combine("scores.csv")))
            .Message.ShouldContain("'a,b'");
    }

    private static CheckpointScore Score(long step, double frechetDistance) => new(step, frechetDistance, 0.5, 0.5, "v1");
}
