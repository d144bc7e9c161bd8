using System.Net.Http;
using System.Net.Sockets;
using Azure;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;

namespace Dcgan.Worker.Tests.Storage;

public sealed class StorageResilienceTests
{
    private static readonly TimeSpan TimeStep = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider time = new();
    private readonly TestLogger<StorageResilienceTests> logger = new();

    [Fact]
    public async Task Pipeline_DefaultOptions_RidesOutThirtySecondOutage()
    {
        ResiliencePipeline pipeline = StorageResilience.Create(new BlobStorageOptions(), logger, time);
        DateTimeOffset outageEnd = time.GetUtcNow() + TimeSpan.FromSeconds(30);
        int attempts = 0;

        string result = await RunAsync(pipeline, _ =>
        {
            attempts++;
            return time.GetUtcNow() < outageEnd
                ? throw new RequestFailedException(0, "Connection refused (127.0.0.1:10000)")
                : ValueTask.FromResult("stored");
        });

        result.ShouldBe("stored");
        attempts.ShouldBeGreaterThan(1);
    }

    // Each wait is at most MaxDelay, so 8 waits of 30 s bound the total at 4 minutes.
    [Fact]
    public async Task Pipeline_DefaultOptions_GivesUpWithinFourMinutes()
    {
        BlobStorageOptions options = new();
        ResiliencePipeline pipeline = StorageResilience.Create(options, logger, time);
        DateTimeOffset start = time.GetUtcNow();
        int attempts = 0;

        await Should.ThrowAsync<RequestFailedException>(() => RunAsync<string>(pipeline, _ =>
        {
            attempts++;
            throw new RequestFailedException(503, "Server busy");
        }));

        attempts.ShouldBe(options.MaxAttempts);
        (time.GetUtcNow() - start).ShouldBeGreaterThan(TimeSpan.FromSeconds(30));
        (time.GetUtcNow() - start).ShouldBeLessThan(TimeSpan.FromMinutes(4));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    public async Task Pipeline_ClientError_NotRetried(int status)
    {
        ResiliencePipeline pipeline = StorageResilience.Create(new BlobStorageOptions(), logger, time);
        int attempts = 0;

        await Should.ThrowAsync<RequestFailedException>(() => RunAsync<string>(pipeline, _ =>
        {
            attempts++;
            throw new RequestFailedException(status, "Client error");
        }));

        attempts.ShouldBe(1);
    }

    [Fact]
    public async Task Pipeline_CallerCancels_NotRetried()
    {
        ResiliencePipeline pipeline = StorageResilience.Create(new BlobStorageOptions(), logger, time);
        using CancellationTokenSource cancellation = new();
        int attempts = 0;

        await Should.ThrowAsync<OperationCanceledException>(() => pipeline.ExecuteAsync<string>(
            "upload",
            "jobs/a/grid.png",
            token =>
            {
                attempts++;
                cancellation.Cancel();
                token.ThrowIfCancellationRequested();
                return ValueTask.FromResult("unreachable");
            },
            cancellation.Token));

        attempts.ShouldBe(1);
    }

    [Fact]
    public async Task Pipeline_AttemptHangs_TimesOutAndRetries()
    {
        BlobStorageOptions options = new() { AttemptTimeout = TimeSpan.FromSeconds(5) };
        ResiliencePipeline pipeline = StorageResilience.Create(options, logger, time);
        int attempts = 0;

        string result = await RunAsync(pipeline, async token =>
        {
            attempts++;
            if (attempts == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, token);
            }

            return "stored";
        });

        result.ShouldBe("stored");
        attempts.ShouldBe(2);
    }

    [Fact]
    public async Task Pipeline_Retry_LogsWarning()
    {
        ResiliencePipeline pipeline = StorageResilience.Create(new BlobStorageOptions(), logger, time);
        int attempts = 0;

        await RunAsync(pipeline, _ =>
        {
            attempts++;
            return attempts == 1
                ? throw new RequestFailedException(503, "Server busy\nStatus: 503")
                : ValueTask.FromResult("stored");
        });

        (LogLevel level, string message) = logger.Entries.ShouldHaveSingleItem();
        level.ShouldBe(LogLevel.Warning);
        message.ShouldContain("upload of jobs/a/grid.png");
        message.ShouldContain("attempt 1 of 9");
        message.ShouldContain("RequestFailedException: Server busy;");
    }

    [Fact]
    public async Task Pipeline_OneAttempt_DoesNotRetry()
    {
        ResiliencePipeline pipeline = StorageResilience.Create(new BlobStorageOptions { MaxAttempts = 1 }, logger, time);
        int attempts = 0;

        await Should.ThrowAsync<RequestFailedException>(() => RunAsync<string>(pipeline, _ =>
        {
            attempts++;
            throw new RequestFailedException(503, "Server busy");
        }));

        attempts.ShouldBe(1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void IsTransient_RetryableStatus_True(int status)
    {
        StorageResilience.IsTransient(new RequestFailedException(status, "failed"), CancellationToken.None).ShouldBeTrue();
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    [InlineData(501)]
    public void IsTransient_OtherStatus_False(int status)
    {
        StorageResilience.IsTransient(new RequestFailedException(status, "failed"), CancellationToken.None).ShouldBeFalse();
    }

    [Fact]
    public void IsTransient_TransportFailures_True()
    {
        StorageResilience.IsTransient(new HttpRequestException("refused"), CancellationToken.None).ShouldBeTrue();
        StorageResilience.IsTransient(new TimeoutException(), CancellationToken.None).ShouldBeTrue();
        StorageResilience.IsTransient(new TimeoutRejectedException(), CancellationToken.None).ShouldBeTrue();
        StorageResilience.IsTransient(
            new IOException("Unable to read data from the transport connection.", new SocketException(104)),
            CancellationToken.None).ShouldBeTrue();
        StorageResilience.IsTransient(
            new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely."),
            CancellationToken.None).ShouldBeTrue();
    }

    [Fact]
    public void IsTransient_LocalFileError_False()
    {
        StorageResilience.IsTransient(new IOException("No space left on device"), CancellationToken.None).ShouldBeFalse();
        StorageResilience.IsTransient(new FileNotFoundException("missing"), CancellationToken.None).ShouldBeFalse();
    }

    [Fact]
    public void IsTransient_Cancellation_TrueOnlyWithoutCallerCancellation()
    {
        using CancellationTokenSource cancelled = new();
        cancelled.Cancel();

        StorageResilience.IsTransient(new TaskCanceledException(), CancellationToken.None).ShouldBeTrue();
        StorageResilience.IsTransient(new TaskCanceledException(), cancelled.Token).ShouldBeFalse();
    }

    [Fact]
    public void IsTransient_InvalidData_False()
    {
        StorageResilience.IsTransient(new InvalidDataException("too large"), CancellationToken.None).ShouldBeFalse();
    }

    /// <summary>Runs an upload of "jobs/a/grid.png" through the pipeline, advancing the fake clock until it ends.</summary>
    private async Task<T> RunAsync<T>(ResiliencePipeline pipeline, Func<CancellationToken, ValueTask<T>> operation)
    {
        Task<T> task = pipeline.ExecuteAsync("upload", "jobs/a/grid.png", operation, CancellationToken.None);
        while (!task.IsCompleted)
        {
            time.Advance(TimeStep);
            await Task.Delay(1);
        }

        return await task;
    }
}
