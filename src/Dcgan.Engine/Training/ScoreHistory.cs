using System.Globalization;
using System.Text;

namespace Dcgan.Engine.Training;

/// <summary>
/// Scores of a run at its checkpoints in step order, kept as CSV with one header line in the invariant culture:
/// step, Fréchet distance, precision, recall and the classifier version.
/// </summary>
public sealed class ScoreHistory
{
    private const string Header = "step,frechet_distance,precision,recall,classifier_version";
    private const int FieldCount = 5;

    private readonly List<CheckpointScore> records = [];

    /// <summary>Scores in step order.</summary>
    public IReadOnlyList<CheckpointScore> Records => records;

    /// <summary>
    /// Appends <paramref name="score"/> after removing every score at its step or later, as when a resumed run scores
    /// the step of its checkpoint again.
    /// </summary>
    public void Add(CheckpointScore score)
    {
        TruncateAfter(score.Step - 1);
        records.Add(score);
    }

    /// <summary>Drops every score after <paramref name="step"/>, as after resuming from a checkpoint at that step.</summary>
    public void TruncateAfter(long step) => records.RemoveAll(record => record.Step > step);

    /// <summary>
    /// Returns the score with the lowest Fréchet distance among those of <paramref name="classifierVersion"/>, the
    /// earliest one on a tie, or null when there is none. Scores with a distance that is not finite are skipped.
    /// </summary>
    public CheckpointScore? Best(string classifierVersion)
    {
        CheckpointScore? best = null;
        foreach (CheckpointScore record in records)
        {
            bool comparable = record.ClassifierVersion == classifierVersion && double.IsFinite(record.FrechetDistance);
            if (comparable && (best is null || record.FrechetDistance < best.FrechetDistance))
            {
                best = record;
            }
        }

        return best;
    }

    /// <summary>Reads a history written by <see cref="WriteCsv"/>. A missing file gives an empty history.</summary>
    /// <exception cref="InvalidDataException">A line does not have the five fields of the header.</exception>
    public static ScoreHistory ReadCsv(string path)
    {
        var history = new ScoreHistory();
        foreach (string[] fields in CsvFile.ReadRows(path, FieldCount, "Score history"))
        {
            history.records.Add(new CheckpointScore(
                long.Parse(fields[0], CultureInfo.InvariantCulture),
                double.Parse(fields[1], CultureInfo.InvariantCulture),
                double.Parse(fields[2], CultureInfo.InvariantCulture),
                double.Parse(fields[3], CultureInfo.InvariantCulture),
                fields[4]));
        }

        return history;
    }

    /// <summary>Writes the history as CSV, replacing <paramref name="path"/> in one rename.</summary>
    /// <exception cref="ArgumentException">A classifier version contains a comma or a line break.</exception>
    public void WriteCsv(string path)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (CheckpointScore r in records)
        {
            if (r.ClassifierVersion.AsSpan().IndexOfAny(",\r\n") >= 0)
            {
                throw new ArgumentException(
                    $"Classifier version '{r.ClassifierVersion}' of the score at step {r.Step} contains a comma or a " +
                    "line break, which a CSV field without quotes cannot hold.");
            }

            text.Append(CultureInfo.InvariantCulture, $"{r.Step},{r.FrechetDistance:R},{r.Precision:R},{r.Recall:R},")
                .Append(r.ClassifierVersion)
                .Append('\n');
        }

        CsvFile.Replace(path, text.ToString());
    }
}
