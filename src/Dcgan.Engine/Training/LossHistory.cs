using System.Globalization;
using System.Text;
using ScottPlot;

namespace Dcgan.Engine.Training;

/// <summary>
/// Per-step losses and discriminator scores of a run, kept as CSV (one header line, invariant culture) and drawn
/// as a PNG plot.
/// </summary>
public sealed class LossHistory
{
    private const string Header = "step,epoch,d_loss,g_loss,d_real,d_fake";

    private readonly List<LossRecord> records = [];

    /// <summary>Rows in step order.</summary>
    public IReadOnlyList<LossRecord> Records => records;

    /// <summary>Appends one row.</summary>
    public void Add(LossRecord record) => records.Add(record);

    /// <summary>Drops every row after <paramref name="step"/>, as after resuming from a checkpoint at that step.</summary>
    public void TruncateAfter(long step) => records.RemoveAll(record => record.Step > step);

    /// <summary>Reads a history written by <see cref="WriteCsv"/>; a missing file gives an empty history.</summary>
    public static LossHistory ReadCsv(string path)
    {
        var history = new LossHistory();
        foreach (string[] fields in CsvFile.ReadRows(path, 6, "Loss history"))
        {
            history.Add(new LossRecord(
                long.Parse(fields[0], CultureInfo.InvariantCulture),
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                float.Parse(fields[2], CultureInfo.InvariantCulture),
                float.Parse(fields[3], CultureInfo.InvariantCulture),
                float.Parse(fields[4], CultureInfo.InvariantCulture),
                float.Parse(fields[5], CultureInfo.InvariantCulture)));
        }

        return history;
    }

    /// <summary>Writes the history as CSV, replacing <paramref name="path"/> in one rename.</summary>
    public void WriteCsv(string path)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (LossRecord r in records)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Step},{r.Epoch},{r.DiscriminatorLoss:R},{r.GeneratorLoss:R},")
                .Append(CultureInfo.InvariantCulture, $"{r.RealScore:R},{r.FakeScore:R}\n");
        }

        CsvFile.Replace(path, text.ToString());
    }

    /// <summary>
    /// Draws both losses (left axis) and D(x), D(G(z)) (right axis) against the step, smoothed over a window of
    /// about one fiftieth of the run so the trend shows through the step-to-step noise.
    /// </summary>
    public void WritePlot(string path, int width = 1000, int height = 500)
    {
        var plot = new Plot();
        try
        {
            double[] steps = records.Select(r => (double)r.Step).ToArray();
            int window = Math.Max(1, records.Count / 50);
            AddLine(plot, steps, Smooth(records.Select(r => (double)r.DiscriminatorLoss), window), "D loss", plot.Axes.Left);
            AddLine(plot, steps, Smooth(records.Select(r => (double)r.GeneratorLoss), window), "G loss", plot.Axes.Left);
            AddLine(plot, steps, Smooth(records.Select(r => (double)r.RealScore), window), "D(x)", plot.Axes.Right);
            AddLine(plot, steps, Smooth(records.Select(r => (double)r.FakeScore), window), "D(G(z))", plot.Axes.Right);

            plot.Title("DCGAN training");
            plot.XLabel("step");
            plot.Axes.Left.Label.Text = "loss";
            plot.Axes.Right.Label.Text = "discriminator probability";
            plot.ShowLegend(Alignment.UpperRight);
            plot.SavePng(path, width, height);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string label, IYAxis axis)
    {
        var line = plot.Add.ScatterLine(xs, ys);
        line.LegendText = label;
        line.Axes.YAxis = axis;
        line.LineWidth = 1.5f;
    }

    private static double[] Smooth(IEnumerable<double> values, int window)
    {
        double[] source = values.ToArray();
        var result = new double[source.Length];
        double sum = 0;
        for (int i = 0; i < source.Length; i++)
        {
            sum += source[i];
            if (i >= window)
            {
                sum -= source[i - window];
            }

            result[i] = sum / Math.Min(i + 1, window);
        }

        return result;
    }
}
