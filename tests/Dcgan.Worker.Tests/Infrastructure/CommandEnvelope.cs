using System.Text;
using System.Text.Json.Nodes;

namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// MassTransit's JSON envelope (content type application/vnd.masstransit+json) written by hand, so tests can send
/// commands with any message type and any field value, including ones the contract types cannot hold.
/// </summary>
public static class CommandEnvelope
{
    /// <summary>Message type of <see cref="Dcgan.Contracts.TrainModel"/> in MassTransit's URN form.</summary>
    public const string TrainModelType = "urn:message:Dcgan.Contracts:TrainModel";

    /// <summary>Message type of <see cref="Dcgan.Contracts.GenerateImages"/> in MassTransit's URN form.</summary>
    public const string GenerateImagesType = "urn:message:Dcgan.Contracts:GenerateImages";

    /// <summary>Returns the envelope of <paramref name="message"/> as UTF-8 JSON.</summary>
    public static byte[] Wrap(string messageType, JsonNode? message, string queue) =>
        Encoding.UTF8.GetBytes(WrapAsText(messageType, message, queue));

    /// <summary>Returns the envelope of <paramref name="message"/> as JSON text.</summary>
    public static string WrapAsText(string messageType, JsonNode? message, string queue)
    {
        var envelope = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString(),
            ["conversationId"] = Guid.NewGuid().ToString(),
            ["sourceAddress"] = "rabbitmq://127.0.0.1/dcgan-tests-raw",
            ["destinationAddress"] = $"rabbitmq://127.0.0.1/{queue}",
            ["messageType"] = new JsonArray(messageType),
            ["message"] = message,
            ["sentTime"] = DateTime.UtcNow.ToString("O"),
            ["headers"] = new JsonObject(),
        };
        return envelope.ToJsonString();
    }
}
