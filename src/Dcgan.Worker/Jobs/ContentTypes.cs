namespace Dcgan.Worker.Jobs;

/// <summary>Content types of the files that jobs store.</summary>
internal static class ContentTypes
{
    public const string Png = "image/png";

    public const string Csv = "text/csv";

    public const string Json = "application/json";

    // A checkpoint is a zip archive, but only the engine can read it, so it is stored as opaque bytes.
    public const string Checkpoint = "application/octet-stream";

    /// <summary>Returns the content type for a file name by its extension.</summary>
    public static string ForName(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".png" => Png,
        ".csv" => Csv,
        ".json" => Json,
        _ => Checkpoint,
    };
}
