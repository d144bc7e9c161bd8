using System.Globalization;

namespace Dcgan.Cli;

/// <summary>
/// A RabbitMQ broker given as an AMQP URI, <c>amqp://user:password@host:port/vhost</c>. <see cref="ToString"/> masks
/// the password, so the result is safe to print.
/// </summary>
internal sealed record BrokerAddress
{
    /// <summary>Default AMQP port without TLS.</summary>
    public const int AmqpPort = 5672;

    /// <summary>Default AMQP port with TLS.</summary>
    public const int AmqpsPort = 5671;

    private const string Form = "expected amqp://user:password@host:port/vhost or amqps://... for TLS";

    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>Virtual host, "/" when the URI has no path.</summary>
    public required string VirtualHost { get; init; }

    public required string Username { get; init; }

    /// <summary>Secret: never printed, and masked by <see cref="ToString"/>.</summary>
    public required string Password { get; init; }

    /// <summary>True for the amqps scheme, which connects with TLS.</summary>
    public required bool UsesTls { get; init; }

    /// <summary>
    /// Parses an AMQP URI. User name and password default to RabbitMQ's guest account, which the broker accepts from
    /// loopback only, and the port defaults to 5672 for amqp and 5671 for amqps. User name, password and virtual host
    /// are percent-decoded, so "%2F" in the path names the virtual host "/".
    /// </summary>
    /// <exception cref="ArgumentException">The text is not an amqp or amqps URI with a host.</exception>
    public static BrokerAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != "amqp" && uri.Scheme != "amqps")
            || string.IsNullOrEmpty(uri.Host))
        {
            // The text may contain a password, so only its scheme is shown.
            string scheme = text.Contains("://", StringComparison.Ordinal) ? text[..text.IndexOf("://", StringComparison.Ordinal)] : "(none)";
            throw new ArgumentException($"--broker is not a valid AMQP URI (scheme '{scheme}'): {Form}.", nameof(text));
        }

        bool tls = uri.Scheme == "amqps";
        string[] userInfo = uri.UserInfo.Split(':', 2);
        string username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        string password = userInfo.Length == 2 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        string path = uri.AbsolutePath.TrimStart('/');
        int port = tls ? AmqpsPort : AmqpPort;
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            port = uri.Port;
        }

        return new BrokerAddress
        {
            Host = uri.Host,
            Port = port,
            VirtualHost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path),
            Username = username,
            Password = password,
            UsesTls = tls,
        };
    }

    /// <summary>Returns the URI with the password replaced by "***".</summary>
    public override string ToString()
    {
        string virtualHost = VirtualHost == "/" ? string.Empty : Uri.EscapeDataString(VirtualHost);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{(UsesTls ? "amqps" : "amqp")}://{Uri.EscapeDataString(Username)}:***@{Host}:{Port}/{virtualHost}");
    }
}
