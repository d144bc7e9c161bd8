using System.Text;
using System.Text.Json.Nodes;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Integration;

/// <summary>
/// Seeded source of random and hostile message bodies for the worker's two command queues: random bytes, mutated
/// JSON, envelopes with hostile field values and envelopes that are wrong as a whole. Every command it writes names a
/// data set or model that does not exist, and never a built-in data set, so none can start real work.
/// </summary>
internal sealed class HostilePayloads(int seed, WorkerNames names)
{
    private const int HugeLength = 100 * 1024;
    private const int DeepNesting = 5000;

    private static readonly string[] HostileStrings =
    [
        "", " ", ".", "..", "../..", "../../etc/passwd", "a/../../b", "/", "/etc/passwd", "//server/share/x",
        "http://169.254.169.254/latest/meta-data/", "https://example.com/x.zip", "file:///etc/passwd",
        @"C:\Windows\win.ini", @"a\b", @"..\..\x", "%2e%2e%2f", "%2F", "a%00b", "\u0000", "a\u0007b", "\r\n",
        "\u001b[31mred", "\u202egnp.x", "\ufeff", "fashion-mnist/../x", "mnist\u0000", "*", "?x#y", "a b",
        "jobs/x/checkpoints/final.ckpt", new string('/', 5000), new string('x', HugeLength),
    ];

    // Raw JSON tokens, several of which System.Text.Json rejects when it reads them as numbers.
    private static readonly string[] HostileTokens =
    [
        "NaN", "Infinity", "-Infinity", "\"NaN\"", "\"Infinity\"", "1e400", "-1e400", "1e-400", "-1", "0", "-0", "1.5",
        "2147483648", "-2147483649", "9223372036854775808", "9223372036854775807", "-9223372036854775808", "true",
        "null", "[]", "{}", "\"12\"", "0x10", "01", "\"\"", "\"\\ud800\"", "\"\\u0000\"",
    ];

    private static readonly string[] ContentTypes =
    [
        RawAmqpClient.EnvelopeContentType, RawAmqpClient.EnvelopeContentType, RawAmqpClient.EnvelopeContentType,
        "application/json", "text/plain", "application/vnd.masstransit+xml", "application/x-garbage", "",
    ];

    private static readonly string[] TrainSettings =
    [
        "imageSize", "channels", "latentSize", "generatorFeatures", "discriminatorFeatures", "batchSize", "epochs",
        "maxSteps", "learningRate", "beta1", "beta2", "seed", "checkpointEvery", "sampleEvery",
    ];

    private readonly Random random = new(seed);
    private int count;

    /// <summary>Returns the next payload, for the training or the generation queue at random.</summary>
    public Payload Next()
    {
        int index = count++;
        bool train = random.Next(2) == 0;
        string queue = train ? names.TrainQueue : names.GenerateQueue;
        string messageType = train ? CommandEnvelope.TrainModelType : CommandEnvelope.GenerateImagesType;
        JsonObject command = train ? TrainCommand(index) : GenerateCommand(index);
        return random.Next(10) switch
        {
            0 => new Payload(queue, "random bytes", RandomBytes(), Pick(ContentTypes)),
            1 or 2 => new Payload(queue, "mutated JSON", Mutate(CommandEnvelope.WrapAsText(messageType, command, queue)), Pick(ContentTypes)),
            3 => new Payload(queue, "hostile envelope", HostileEnvelope(messageType, command, queue), RawAmqpClient.EnvelopeContentType),
            _ => new Payload(queue, "hostile fields", HostileFields(messageType, command, queue), RawAmqpClient.EnvelopeContentType),
        };
    }

    private JsonObject TrainCommand(int index)
    {
        bool zip = random.Next(2) == 0;
        var settings = new JsonObject();
        foreach (string name in TrainSettings.Where(_ => random.Next(3) == 0))
        {
            settings[name] = random.Next(1, 64);
        }

        return new JsonObject
        {
            ["jobId"] = $"fuzz-{index}",
            ["dataset"] = new JsonObject
            {
                ["kind"] = zip ? 2 : 1,
                ["name"] = zip ? $"fuzz-missing-{index}.zip" : $"fuzz-missing-{index}/",
                ["maxImages"] = random.Next(1, 100),
            },
            ["settings"] = settings,
        };
    }

    private JsonObject GenerateCommand(int index) => new()
    {
        ["jobId"] = $"fuzz-{index}",
        ["model"] = random.Next(2) == 0
            ? new JsonObject { ["trainingJobId"] = $"fuzz-missing-{index}" }
            : new JsonObject { ["checkpointPath"] = $"fuzz/missing-{index}.ckpt" },
        ["count"] = random.Next(1, 16),
        ["seed"] = random.NextInt64(),
    };

    private byte[] RandomBytes()
    {
        byte[] bytes = new byte[random.Next(0, 2048)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Applies one to five edits at random places: deletions, insertions, replacements and duplications.</summary>
    private byte[] Mutate(string json)
    {
        var text = new StringBuilder(json);
        int edits = random.Next(1, 6);
        for (int i = 0; i < edits && text.Length > 0; i++)
        {
            int at = random.Next(text.Length);
            int length = Math.Min(random.Next(1, 16), text.Length - at);
            switch (random.Next(4))
            {
                case 0:
                    text.Remove(at, length);
                    break;
                case 1:
                    text.Insert(at, Pick(["{", "}", "[", "]", "\"", ",", ":", "\\", "\u0000", "null", "\"\\ud800\"", Pick(HostileTokens)]));
                    break;
                case 2:
                    text[at] = (char)random.Next(0, 128);
                    break;
                default:
                    text.Insert(at, text.ToString(at, length));
                    break;
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Replaces one to three fields, nested ones included, with hostile strings, raw tokens or wrong types.</summary>
    private byte[] HostileFields(string messageType, JsonObject command, string queue)
    {
        var raw = new Dictionary<string, string>();
        int edits = random.Next(1, 4);
        for (int i = 0; i < edits; i++)
        {
            (JsonObject parent, string field) = PickField(command);
            parent[field] = random.Next(4) switch
            {
                0 or 1 => JsonValue.Create(Pick(HostileStrings)),
                2 => Placeholder(raw, Pick(HostileTokens)),
                _ => Placeholder(raw, Nested()),
            };
        }

        return Encoding.UTF8.GetBytes(ReplacePlaceholders(CommandEnvelope.WrapAsText(messageType, command, queue), raw));
    }

    /// <summary>Returns an envelope that is wrong as a whole: message type, message or envelope fields.</summary>
    private byte[] HostileEnvelope(string messageType, JsonObject command, string queue)
    {
        JsonObject envelope = JsonNode.Parse(CommandEnvelope.WrapAsText(messageType, command, queue))!.AsObject();
        var raw = new Dictionary<string, string>();
        switch (random.Next(8))
        {
            case 0:
                envelope["messageType"] = messageType;
                break;
            case 1:
                envelope["messageType"] = new JsonArray();
                break;
            case 2:
                envelope.Remove("messageType");
                break;
            case 3:
                envelope["messageType"] = new JsonArray(
                    Pick(["urn:message:System:Object", "urn:message:Dcgan.Contracts:JobFailed", messageType.ToLowerInvariant(), messageType + " ", Pick(HostileStrings)]));
                break;
            case 4:
                envelope["messageType"] = new JsonArray(CommandEnvelope.TrainModelType, CommandEnvelope.GenerateImagesType);
                break;
            case 5:
                envelope["message"] = Placeholder(raw, Pick(HostileTokens.Append(Nested()).Append("\"text\"").ToArray()));
                break;
            case 6:
                envelope[Pick(["messageId", "conversationId", "sentTime", "destinationAddress", "headers"])] =
                    Placeholder(raw, Pick(HostileTokens));
                break;
            default:
                envelope["headers"] = new JsonObject { [Pick(HostileStrings)] = Pick(HostileStrings) };
                break;
        }

        return Encoding.UTF8.GetBytes(ReplacePlaceholders(envelope.ToJsonString(), raw));
    }

    private (JsonObject Parent, string Field) PickField(JsonObject command)
    {
        JsonObject parent = command;
        while (true)
        {
            string field = Pick([.. parent.Select(pair => pair.Key)]);
            if (parent[field] is JsonObject child && child.Count > 0 && random.Next(3) > 0)
            {
                parent = child;
                continue;
            }

            return (parent, field);
        }
    }

    private string Nested()
    {
        int depth = random.Next(1, DeepNesting);
        return random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    private static JsonNode Placeholder(Dictionary<string, string> raw, string token)
    {
        string key = $"__raw_{raw.Count}__";
        raw[key] = token;
        return JsonValue.Create(key);
    }

    private static string ReplacePlaceholders(string json, Dictionary<string, string> raw)
    {
        foreach ((string key, string token) in raw)
        {
            json = json.Replace($"\"{key}\"", token, StringComparison.Ordinal);
        }

        return json;
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];

    /// <summary>One message body with the queue it goes to and its content type (null leaves the property unset).</summary>
    public sealed record Payload(string Queue, string Kind, byte[] Body, string? ContentType);
}
