using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dcgan.Worker.Tests.Consumers;

/// <summary>Logger provider that keeps every formatted entry of a worker, so tests can check the job log lines.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries => [.. entries];

    /// <summary>Returns the messages of the entries at <paramref name="level"/> or above, for assertion messages.</summary>
    public string Describe(LogLevel level = LogLevel.Information) =>
        string.Join(
            Environment.NewLine,
            entries.Where(entry => entry.Level >= level).Select(entry => $"{entry.Level}: {entry.Message} {entry.Exception}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            owner.entries.Enqueue((logLevel, category, formatter(state, exception), exception));
        }
    }
}
