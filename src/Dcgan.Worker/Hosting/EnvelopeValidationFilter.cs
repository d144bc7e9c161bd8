using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Storage;
using MassTransit;

namespace Dcgan.Worker.Hosting;

/// <summary>
/// First filter of every receive endpoint: reads the envelope fields that MassTransit 8.5.12 parses only on first use
/// (ids, addresses and headers) and sends the message to the _error queue, without running a consumer, when one is
/// invalid. Otherwise a malformed conversationId lets the consumer publish its JobFailed and then fault, so the
/// command ends twice. MassTransit also copies the command's headers into every event the consumer publishes, so a
/// header that AMQP cannot carry makes each of those publishes fail.
/// </summary>
internal sealed class EnvelopeValidationFilter : IFilter<ConsumeContext>
{
    private const int MaxHeaderNameBytes = 255;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        string? problem = FindProblem(context);
        if (problem is not null)
        {
            throw new SerializationException($"The message envelope is invalid, so no consumer runs: {problem}");
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("envelopeValidation");

    private static string? FindProblem(ConsumeContext context)
    {
        try
        {
            _ = context.MessageId;
            _ = context.RequestId;
            _ = context.CorrelationId;
            _ = context.ConversationId;
            _ = context.InitiatorId;
            _ = context.SourceAddress;
            _ = context.DestinationAddress;
            _ = context.ResponseAddress;
            _ = context.FaultAddress;
        }
        catch (FormatException exception)
        {
            // UriFormatException derives from FormatException, so this covers ids and addresses.
            return exception.Message;
        }

        long headerLength = 0;
        foreach (KeyValuePair<string, object> header in context.Headers.GetAll())
        {
            string? value = HeaderText(header.Value);
            if (!IsValidText(header.Key) || (value is not null && !IsValidText(value)))
            {
                return $"header {ArtifactPaths.Quote(header.Key)} is not valid UTF-16 text.";
            }

            // AMQP writes header names as short strings, so RabbitMQ.Client fails to publish an event with a longer one.
            int nameBytes = StrictUtf8.GetByteCount(header.Key);
            if (nameBytes > MaxHeaderNameBytes)
            {
                return $"header name {ArtifactPaths.Quote(header.Key)} has {nameBytes} bytes, more than the " +
                    $"{MaxHeaderNameBytes} that AMQP allows.";
            }

            headerLength += header.Key.Length + (value?.Length ?? 0);
        }

        return headerLength > CommandValidator.MaxCommandBytes
            ? $"its headers hold {headerLength} characters, more than the {CommandValidator.MaxCommandBytes} allowed."
            : null;
    }

    /// <summary>Returns a header value as the text the transport writes, or null when it has none.</summary>
    private static string? HeaderText(object? value) => value switch
    {
        null => null,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
        JsonElement element => element.GetRawText(),
        _ => value.ToString(),
    };

    private static bool IsValidText(string text)
    {
        try
        {
            StrictUtf8.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
