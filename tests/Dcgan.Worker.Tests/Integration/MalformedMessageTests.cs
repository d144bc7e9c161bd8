using System.Text;
using System.Text.Json.Nodes;
using Dcgan.Contracts;
using Dcgan.Worker.Tests.Consumers;
using Dcgan.Worker.Tests.Infrastructure;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Raw bytes published straight to the worker's queues, bypassing MassTransit on the sending side: unreadable and
/// unexpected messages must end in the _error or _skipped queue, or be rejected by the broker, and the same worker
/// process must keep serving.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class MalformedMessageTests(BrokerAndStorageFixture servers, ITestOutputHelper output)
{
    /// <summary>RabbitMQ 3.10's default max_message_size, which brokers not set up by this repository keep.</summary>
    private const long RabbitMqDefaultMaxMessageBytes = 128L * 1024 * 1024;

    private const int BrokerMaxMessageBytes = 64 * 1024 * 1024;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task MalformedMessages_EndInErrorOrSkippedQueue()
    {
        WorkerNames names = WorkerNames.Unique();
        string suffix = Guid.NewGuid().ToString("N")[..12];
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using RawAmqpClient broker = await RawAmqpClient.ConnectAsync(servers.RabbitMq);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        int processId = worker.ProcessId;
        await broker.WaitForConsumerAsync(names.TrainQueue, StartTimeout);
        await broker.WaitForConsumerAsync(names.GenerateQueue, StartTimeout);

        var expectedFailures = new List<string>();
        foreach ((string queue, string messageType, JsonObject command) in Targets(names, suffix))
        {
            string envelope = CommandEnvelope.WrapAsText(messageType, command.DeepClone(), queue);

            // Unreadable: each goes to the _error queue, without a JobFailed.
            await broker.PublishAsync(queue, Encoding.UTF8.GetBytes("this is not JSON \u0000\u00ff"));
            await broker.PublishAsync(queue, new byte[] { 0xff, 0xfe, 0x00, 0x13, 0x37 });
            await broker.PublishAsync(queue, Encoding.UTF8.GetBytes(envelope[..(envelope.Length / 2)]));
            await broker.PublishAsync(queue, ReadOnlyMemory<byte>.Empty);
            await broker.PublishAsync(queue, CommandEnvelope.Wrap(messageType, WithWrongFieldTypes(command), queue));
            await broker.PublishAsync(queue, CommandEnvelope.Wrap(messageType, null, queue));

            // Readable, but with envelope fields that MassTransit parses only when a consumer publishes.
            await broker.PublishAsync(queue, WithEnvelopeField(envelope, "messageId", "not-a-guid"));
            await broker.PublishAsync(queue, WithEnvelopeField(envelope, "conversationId", "1234"));
            await broker.PublishAsync(queue, WithEnvelopeField(envelope, "responseAddress", "http://[::1"));
            await broker.PublishAsync(queue, WithEnvelopeField(envelope, "headers", new JsonObject { [new string('h', 300)] = "x" }));

            // Readable but of a type no consumer takes: the _skipped queue.
            await broker.PublishAsync(queue, CommandEnvelope.Wrap("urn:message:Dcgan.Contracts:DeleteEverything", command.DeepClone(), queue));

            // MassTransit 8.5.12 reads the body as JSON whatever content type the message declares, so these are consumed as
            // commands and fail fast, because their data set or model does not exist.
            string plainJob = $"plain-{queue}";
            await broker.PublishAsync(queue, CommandEnvelope.Wrap(messageType, WithJobId(command, plainJob), queue), "text/plain");
            expectedFailures.Add(plainJob);
            string untypedJob = $"untyped-{queue}";
            await broker.PublishAsync(queue, CommandEnvelope.Wrap(messageType, WithJobId(command, untypedJob), queue), contentType: null);
            expectedFailures.Add(untypedJob);

            // Above the worker's command limit but below the broker's: one JobFailed that names the size.
            string largeJob = $"large-{queue}";
            JsonObject large = WithJobId(command, largeJob);
            large["padding"] = new string('p', 100 * 1024);
            await broker.PublishAsync(queue, CommandEnvelope.Wrap(messageType, large, queue));
            expectedFailures.Add(largeJob);
        }

        const uint UnreadablePerQueue = 10;
        foreach (string queue in new[] { names.TrainQueue, names.GenerateQueue })
        {
            await broker.WaitForMessageCountAsync(queue + "_error", UnreadablePerQueue, JobTimeout);
            await broker.WaitForMessageCountAsync(queue + "_skipped", 1, JobTimeout);
        }

        foreach (string job in expectedFailures)
        {
            JobFailed failed = await client.WaitForAsync<JobFailed>(job, e => e.JobId == job, JobTimeout);
            output.WriteLine($"{job}: {failed.Reason}");
            failed.IsInvalidCommand.ShouldBeTrue(job);
        }

        JobFailed largeTrain = client.All<JobFailed>().Single(e => e.JobId == $"large-{names.TrainQueue}");
        largeTrain.Errors.ShouldContain(error => error.StartsWith("The command message has", StringComparison.Ordinal));

        // Nothing loops: after a pause the counts are the same and the command queues are empty.
        await Task.Delay(SettleDelay);
        foreach (string queue in new[] { names.TrainQueue, names.GenerateQueue })
        {
            (await broker.MessageCountAsync(queue)).ShouldBe(0u, queue);
            (await broker.MessageCountAsync(queue + "_error")).ShouldBe(UnreadablePerQueue, queue);
            (await broker.MessageCountAsync(queue + "_skipped")).ShouldBe(1u, queue);
        }

        client.All<JobFailed>().Count.ShouldBe(expectedFailures.Count);
        worker.Output.ShouldNotContain("goes to the error queue");
        await RunValidJobAsync(client, $"after-malformed-{suffix}");
        worker.HasExited.ShouldBeFalse();
        worker.ProcessId.ShouldBe(processId);
    }

    [Fact]
    public async Task MessageAboveBrokerLimit_IsRejectedAtPublish()
    {
        WorkerNames names = WorkerNames.Unique();
        string suffix = Guid.NewGuid().ToString("N")[..12];
        await using EventCollector client = await EventCollector.StartAsync(servers.RabbitMq, names);
        await using RawAmqpClient broker = await RawAmqpClient.ConnectAsync(servers.RabbitMq);
        await using WorkerProcess worker = WorkerProcess.Start(servers, names);
        await broker.WaitForConsumerAsync(names.TrainQueue, StartTimeout);

        byte[] body = PaddedTrainCommand(names.TrainQueue, $"oversized-{suffix}", BrokerMaxMessageBytes + 1);
        Exception? rejection = await broker.TryPublishOnOwnChannelAsync(names.TrainQueue, body);

        output.WriteLine($"Publishing {body.Length} bytes: {rejection?.Message}");
        OperationInterruptedException closed = rejection.ShouldBeAssignableTo<OperationInterruptedException>().ShouldNotBeNull();
        closed.ShutdownReason.ShouldNotBeNull().ReplyCode.ShouldBe((ushort)406);
        (await broker.MessageCountAsync(names.TrainQueue)).ShouldBe(0u);

        await RunValidJobAsync(client, $"after-oversized-{suffix}");
        worker.HasExited.ShouldBeFalse();
        client.All<JobFailed>().ShouldBeEmpty();
    }

    /// <summary>
    /// On a broker with RabbitMQ's default limit, a message larger than RabbitMQ.Client's default of 64 MiB reaches
    /// the worker. The worker must reject it instead of dropping its connection and having it redelivered forever.
    /// </summary>
    [Fact]
    public async Task LargeMessageOnDefaultBroker_IsRejectedOnce()
    {
        WorkerNames names = WorkerNames.Unique();
        string job = "large-" + Guid.NewGuid().ToString("N")[..12];
        await using RabbitMqServer defaultBroker = await RabbitMqServer.StartAsync(RabbitMqDefaultMaxMessageBytes);
        await using EventCollector client = await EventCollector.StartAsync(defaultBroker, names);
        await using RawAmqpClient broker = await RawAmqpClient.ConnectAsync(defaultBroker);
        await using WorkerProcess worker = WorkerProcess.Start(
            servers,
            names,
            new Dictionary<string, string> { ["Dcgan__RabbitMq__Port"] = defaultBroker.Port.ToString() });
        await broker.WaitForConsumerAsync(names.TrainQueue, StartTimeout);

        byte[] body = PaddedTrainCommand(names.TrainQueue, job, 70 * 1024 * 1024);
        await broker.PublishAsync(names.TrainQueue, body);
        JobFailed failed = await client.WaitForAsync<JobFailed>(job, e => e.JobId == job, JobTimeout);

        output.WriteLine($"{body.Length} bytes: {failed.Reason}");
        failed.IsInvalidCommand.ShouldBeTrue();
        failed.Errors.ShouldHaveSingleItem().ShouldStartWith($"The command message has {body.Length} bytes");
        await RunValidJobAsync(client, job + "-after");
        client.All<JobFailed>().Count(e => e.JobId == job).ShouldBe(1, worker.Output);
        (await broker.MessageCountAsync(names.TrainQueue)).ShouldBe(0u);
        worker.HasExited.ShouldBeFalse();
    }

    private static IEnumerable<(string Queue, string MessageType, JsonObject Command)> Targets(WorkerNames names, string suffix)
    {
        yield return (names.TrainQueue, CommandEnvelope.TrainModelType, new JsonObject
        {
            ["jobId"] = $"malformed-train-{suffix}",
            ["dataset"] = new JsonObject { ["kind"] = 1, ["name"] = $"missing-{suffix}/" },
        });
        yield return (names.GenerateQueue, CommandEnvelope.GenerateImagesType, new JsonObject
        {
            ["jobId"] = $"malformed-generate-{suffix}",
            ["model"] = new JsonObject { ["trainingJobId"] = $"missing-{suffix}" },
            ["count"] = 2,
        });
    }

    /// <summary>Returns a copy of <paramref name="command"/> with another job id.</summary>
    private static JsonObject WithJobId(JsonObject command, string jobId)
    {
        var copy = (JsonObject)command.DeepClone();
        copy["jobId"] = jobId;
        return copy;
    }

    /// <summary>Returns <paramref name="envelope"/> with one field replaced, as UTF-8.</summary>
    private static byte[] WithEnvelopeField(string envelope, string field, JsonNode value)
    {
        JsonObject changed = JsonNode.Parse(envelope)!.AsObject();
        changed[field] = value;
        return Encoding.UTF8.GetBytes(changed.ToJsonString());
    }

    /// <summary>Returns <paramref name="command"/> with every field replaced by a value of another JSON type.</summary>
    private static JsonObject WithWrongFieldTypes(JsonObject command)
    {
        var copy = new JsonObject();
        foreach ((string name, JsonNode? value) in command)
        {
            copy[name] = value is JsonObject ? JsonValue.Create("not an object") : new JsonArray(1, 2, 3);
        }

        return copy;
    }

    /// <summary>Returns a valid training envelope padded with an unknown field to <paramref name="totalBytes"/>.</summary>
    private static byte[] PaddedTrainCommand(string queue, string jobId, int totalBytes)
    {
        var command = new JsonObject
        {
            ["jobId"] = jobId,
            ["dataset"] = new JsonObject { ["kind"] = 1, ["name"] = "missing/" },
            ["padding"] = "",
        };
        int envelopeBytes = CommandEnvelope.Wrap(CommandEnvelope.TrainModelType, command.DeepClone(), queue).Length;
        command["padding"] = new string('p', totalBytes - envelopeBytes);
        byte[] body = CommandEnvelope.Wrap(CommandEnvelope.TrainModelType, command, queue);
        body.Length.ShouldBe(totalBytes);
        return body;
    }

    private static async Task RunValidJobAsync(EventCollector client, string jobId)
    {
        await client.SendAsync(TinyCommands.Train(jobId, maxSteps: 2));
        TrainingCompleted completed = await client.WaitForAsync<TrainingCompleted>(jobId, e => e.JobId == jobId, JobTimeout);
        completed.Steps.ShouldBe(2);
    }
}
