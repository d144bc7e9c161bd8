namespace Dcgan.Engine.Training;

/// <summary>Reading and writing of the run's CSV histories: one header line, fields without quotes, '\n' line ends.</summary>
internal static class CsvFile
{
    /// <summary>
    /// Returns the fields of each line after the header, skipping empty lines. A missing file has no lines.
    /// </summary>
    /// <param name="path">File to read.</param>
    /// <param name="fieldCount">Number of fields every line must have.</param>
    /// <param name="description">What the file contains, for error messages, such as "Loss history".</param>
    /// <exception cref="InvalidDataException">A line has another number of fields.</exception>
    public static IEnumerable<string[]> ReadRows(string path, int fieldCount, string description)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1 || line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != fieldCount)
            {
                throw new InvalidDataException(
                    $"{description} '{path}' line {lineNumber} has {fields.Length} fields; expected {fieldCount}.");
            }

            yield return fields;
        }
    }

    /// <summary>Writes <paramref name="text"/> to a temporary file and renames it to <paramref name="path"/>.</summary>
    public static void Replace(string path, string text)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
