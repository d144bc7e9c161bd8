namespace Dcgan.Worker;

/// <summary>Connection to the RabbitMQ broker, used when <see cref="WorkerOptions.Transport"/> is "RabbitMq".</summary>
public sealed class RabbitMqOptions : IOptionsSection
{
    /// <summary>Configuration section these options bind to.</summary>
    public const string SectionName = "Dcgan:RabbitMq";

    /// <summary>Host name or IP address of the broker.</summary>
    [SettingRequired]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>AMQP port of the broker.</summary>
    [SettingRange(1, 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>Virtual host to connect to.</summary>
    [SettingRequired]
    public string VirtualHost { get; set; } = "/";

    /// <summary>User name to log in with.</summary>
    [SettingRequired]
    public string Username { get; set; } = "guest";

    /// <summary>Password to log in with. Secret: never logged, and left out of <see cref="ToString"/>.</summary>
    [SettingRequired]
    public string Password { get; set; } = "guest";

    string IOptionsSection.SectionPath => SectionName;

    /// <summary>Returns the settings without the password, so the result is safe to log.</summary>
    public override string ToString() =>
        $"RabbitMqOptions {{ Host = {Host}, Port = {Port}, VirtualHost = {VirtualHost}, Username = {Username}, " +
        "Password = (hidden) }";
}
