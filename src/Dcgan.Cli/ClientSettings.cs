namespace Dcgan.Cli;

/// <summary>Where a job runs and how its artifacts are fetched, as read from <see cref="ClientOptions"/>.</summary>
/// <param name="Broker">Broker of the remote worker, or null to run the job in this process.</param>
/// <param name="Queue">Queue the command is sent to.</param>
/// <param name="QueueOptionName">Name of the option that sets <paramref name="Queue"/>, for messages.</param>
/// <param name="StorageConnectionString">Secret: connection string of the worker's Blob Storage account, or null.</param>
/// <param name="ArtifactContainer">Blob container of the worker's artifacts.</param>
/// <param name="Timeout">Maximum time to wait for the job, or null to wait until it ends.</param>
internal sealed record ClientSettings(
    BrokerAddress? Broker,
    string Queue,
    string QueueOptionName,
    string? StorageConnectionString,
    string ArtifactContainer,
    TimeSpan? Timeout)
{
    /// <summary>True when no broker is configured, so the job runs in this process.</summary>
    public bool IsEmbedded => Broker is null;

    /// <summary>Returns the settings without the connection string or the broker password.</summary>
    public override string ToString() =>
        $"ClientSettings {{ Broker = {Broker?.ToString() ?? "(embedded)"}, Queue = {Queue}, " +
        $"StorageConnectionString = {(StorageConnectionString is null ? "(not set)" : "(set, hidden)")}, " +
        $"ArtifactContainer = {ArtifactContainer}, Timeout = {Timeout} }}";
}
