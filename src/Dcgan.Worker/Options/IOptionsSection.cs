namespace Dcgan.Worker;

/// <summary>Options bound from one configuration section, so that validation messages can name the full key.</summary>
internal interface IOptionsSection
{
    /// <summary>Configuration path of the section, such as "Dcgan:RabbitMq".</summary>
    string SectionPath { get; }
}
