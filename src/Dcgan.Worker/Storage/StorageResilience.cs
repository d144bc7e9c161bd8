using System.Net.Http;
using System.Net.Sockets;
using Azure;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Dcgan.Worker.Storage;

/// <summary>
/// Builder of the retry pipeline around every storage operation. It is the only retry layer, because
/// <see cref="ResilientBlobContainer.CreateServiceClient"/> turns the Azure SDK's own retries off.
/// </summary>
internal static partial class StorageResilience
{
    /// <summary>Blob name or prefix of the operation, for retry log entries.</summary>
    public static readonly ResiliencePropertyKey<string> PathKey = new("dcgan.storage.path");

    /// <summary>
    /// Builds a pipeline that retries transient failures (see <see cref="IsTransient"/>) up to
    /// <see cref="BlobStorageOptions.MaxAttempts"/> attempts in all, with exponential backoff and jitter between
    /// <see cref="BlobStorageOptions.BaseDelay"/> and <see cref="BlobStorageOptions.MaxDelay"/>, and cancels each
    /// attempt after <see cref="BlobStorageOptions.AttemptTimeout"/>. Every retry is logged as a warning.
    /// </summary>
    public static ResiliencePipeline Create(
        BlobStorageOptions options,
        ILogger logger,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        ResiliencePipelineBuilder builder = new();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        int maxAttempts = options.MaxAttempts;
        if (maxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is { } exception
                    && IsTransient(exception, arguments.Context.CancellationToken)),
                OnRetry = arguments =>
                {
                    Exception? exception = arguments.Outcome.Exception;
                    LogRetry(
                        logger,
                        arguments.Context.OperationKey ?? "operation",
                        arguments.Context.Properties.GetValue(PathKey, "(unknown)"),
                        arguments.AttemptNumber + 1,
                        maxAttempts,
                        exception?.GetType().Name ?? "(none)",
                        FirstLine(exception?.Message),
                        (long)arguments.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        // Added after the retry, so it is the inner strategy and limits each attempt rather than all of them.
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>
    /// Runs <paramref name="operation"/> through <paramref name="pipeline"/>, naming the operation and path for the
    /// retry log entries.
    /// </summary>
    public static async Task<T> ExecuteAsync<T>(
        this ResiliencePipeline pipeline,
        string operationName,
        string path,
        Func<CancellationToken, ValueTask<T>> operation,
        CancellationToken cancellationToken)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(operationName, cancellationToken);
        context.Properties.Set(PathKey, path);
        try
        {
            return await pipeline.ExecuteAsync(
                static (attemptContext, action) => action(attemptContext.CancellationToken),
                context,
                operation);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Decides whether a failure may succeed when tried again: server busy or failing (HTTP 408, 429, 500, 502, 503,
    /// 504), no response at all (status 0), a broken connection, or an attempt that timed out. Cancellation by the
    /// caller and every other error, such as 404 or 403, are final.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504,
        HttpRequestException => true,
        TimeoutRejectedException or TimeoutException => true,

        // The SDK reports its own network timeout as a cancellation, but only the caller's token means "stop".
        OperationCanceledException => !callerToken.IsCancellationRequested,

        // Only transport failures: a local file error such as a full disk does not go away on retry.
        IOException io => io is HttpIOException || HasTransportCause(io),
        _ => false,
    };

    private static bool HasTransportCause(Exception exception)
    {
        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException or HttpRequestException or HttpIOException)
            {
                return true;
            }
        }

        return false;
    }

    private static string FirstLine(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return string.Empty;
        }

        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    [LoggerMessage(
        EventId = 3001,
        Level = LogLevel.Warning,
        Message = "Storage {Operation} of {Path} failed on attempt {Attempt} of {MaxAttempts} with {ExceptionType}: " +
            "{ErrorMessage}; retrying in {RetryDelayMs} ms")]
    private static partial void LogRetry(
        ILogger logger,
        string operation,
        string path,
        int attempt,
        int maxAttempts,
        string exceptionType,
        string errorMessage,
        long retryDelayMs);
}
