// Options live in the root namespace, because a Dcgan.Worker.Options namespace would hide
// Microsoft.Extensions.Options.Options (Options.Create) from all code under Dcgan.Worker.
namespace Dcgan.Worker;

/// <summary>Settings of the worker: transport, queues, limits and where it keeps temporary files.</summary>
public sealed class WorkerOptions : IOptionsSection
{
    /// <summary>Configuration section these options bind to.</summary>
    public const string SectionName = "Dcgan";

    /// <summary>Value of <see cref="Transport"/> for the in-process transport of embedded mode.</summary>
    public const string InMemoryTransport = "InMemory";

    /// <summary>Value of <see cref="Transport"/> for a RabbitMQ broker configured in <see cref="RabbitMqOptions"/>.</summary>
    public const string RabbitMqTransport = "RabbitMq";

    /// <summary>Message transport: "InMemory" (default, embedded mode) or "RabbitMq".</summary>
    [SettingOneOf(InMemoryTransport, RabbitMqTransport)]
    public string Transport { get; set; } = InMemoryTransport;

    /// <summary>Torch device for training and sampling: auto, cpu, cuda or cuda:N.</summary>
    [SettingRequired]
    [SettingPattern("^(auto|cpu|cuda(:[0-9]{1,2})?)\\z", "use auto, cpu, cuda or cuda:N")]
    public string Device { get; set; } = "auto";

    /// <summary>
    /// Folder that contains the built-in data sets (a "fashion-mnist" or "mnist" subfolder with the four IDX files, or
    /// the files themselves). Null searches DCGAN_DATA_DIR, /usr/share/datasets and the user data folder.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Folder for per-job temporary files, such as checkpoints being written and downloaded user data sets, deleted
    /// when each job ends.
    /// </summary>
    [SettingRequired]
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "dcgan-worker");

    /// <summary>Maximum number of generation jobs that one worker runs at once, which is also the queue's prefetch count.</summary>
    [SettingRange(1, 64)]
    public int MaxConcurrentGenerations { get; set; } = 2;

    /// <summary>Images sampled per forward pass in generation jobs.</summary>
    [SettingRange(1, 4096)]
    public int GenerationBatchSize { get; set; } = 256;

    /// <summary>Maximum <c>Count</c> accepted in a generation command.</summary>
    [SettingRange(1, 100_000)]
    public int MaxGenerateCount { get; set; } = 10_000;

    /// <summary>
    /// Maximum number of images a training job loads, which is also the maximum <c>MaxImages</c> accepted in a
    /// training command. The default covers the 60,000 training images of Fashion-MNIST and MNIST.
    /// </summary>
    [SettingRange(1, 1_000_000)]
    public int MaxTrainingImages { get; set; } = 60_000;

    /// <summary>
    /// Minimum time between two progress events of one training job. Zero publishes as often as the bus accepts
    /// events, and skips steps that finish while an event is being published.
    /// </summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Number of generators kept loaded in memory for generation jobs, least recently used evicted first.</summary>
    [SettingRange(1, 64)]
    public int GeneratorCacheSize { get; set; } = 4;

    /// <summary>Queue that training commands are received from.</summary>
    [SettingRequired]
    [SettingPattern(QueueNamePattern, QueueNameRule)]
    public string TrainQueue { get; set; } = "dcgan-train";

    /// <summary>Queue that generation commands are received from.</summary>
    [SettingRequired]
    [SettingPattern(QueueNamePattern, QueueNameRule)]
    public string GenerateQueue { get; set; } = "dcgan-generate";

    /// <summary>
    /// Maximum time from the start of one delivery of a training command until the worker stops training. It then
    /// stores a checkpoint, sends the command to its queue again and acknowledges the delivery, and the next delivery
    /// resumes from the checkpoint. Keep it below the broker's consumer_timeout minus the time to upload a checkpoint,
    /// or the broker closes the channel and redelivers a job that is still running.
    /// </summary>
    [SettingRange(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan TrainingSlice { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Time a stopping worker has to store a checkpoint of the running training job and return the command to its
    /// queue. Container stop grace periods must be longer than this.
    /// </summary>
    [SettingRange(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(1);

    string IOptionsSection.SectionPath => SectionName;

    /// <summary>True when <see cref="Transport"/> selects RabbitMQ.</summary>
    internal bool UsesRabbitMq => string.Equals(Transport, RabbitMqTransport, StringComparison.OrdinalIgnoreCase);

    // RabbitMQ allows up to 255 bytes of UTF-8 in a queue name, and MassTransit needs a valid URI path segment.
    private const string QueueNamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\\z";

    private const string QueueNameRule =
        "use 1 to 200 characters of A-Z, a-z, 0-9, '.', '-' and '_', starting with a letter or digit";
}
