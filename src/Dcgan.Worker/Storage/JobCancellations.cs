using System.Text.Json;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Stored records of cancelled jobs ("cancellations/{jobId}.json"), read before a job starts, so a cancelled job
/// never runs again whichever worker receives its command.
/// </summary>
internal sealed class JobCancellations(IArtifactStore store)
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public async Task WriteAsync(string jobId, string reason, DateTimeOffset cancelledAt, CancellationToken cancellationToken)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new Record(jobId, reason, cancelledAt), SerializerOptions);
        using var content = new MemoryStream(json, writable: false);
        await store.UploadAsync(ArtifactPaths.Cancellation(jobId), content, JobManifestStore.ContentType, cancellationToken);
    }

    /// <summary>The stored reason why <paramref name="jobId"/> was cancelled, or null when it was not.</summary>
    public async Task<string?> TryReadReasonAsync(string jobId, CancellationToken cancellationToken)
    {
        byte[]? json = await store.TryReadAllBytesAsync(ArtifactPaths.Cancellation(jobId), cancellationToken);
        if (json is null)
        {
            return null;
        }

        // A record that cannot be read still means that the job was cancelled.
        try
        {
            return JsonSerializer.Deserialize<Record>(json, SerializerOptions)?.Reason ?? "cancelled";
        }
        catch (JsonException)
        {
            return "cancelled";
        }
    }

    private sealed record Record(string JobId, string Reason, DateTimeOffset CancelledAt);
}
