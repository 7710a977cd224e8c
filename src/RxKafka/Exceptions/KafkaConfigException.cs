using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A client setting is missing or not valid (found by RxKafka before anything is sent).
/// <see cref="ConfigName"/> names the setting in Kafka's own spelling (e.g. <c>linger.ms</c>).
/// Reported as <see cref="ErrorCode.InvalidConfig"/>; never retriable: fix the configuration.
/// </summary>
public sealed class KafkaConfigException : KafkaException
{
    /// <summary>Creates the exception for the setting <paramref name="configName"/>.</summary>
    /// <param name="configName">The setting's name, e.g. <c>bootstrap.servers</c>.</param>
    /// <param name="message">What is wrong with its value; the setting's name is prefixed to it.</param>
    public KafkaConfigException(string configName, string message)
        : this(configName, message, innerException: null)
    {
    }

    /// <summary>Creates the exception for the setting <paramref name="configName"/> with a cause.</summary>
    /// <param name="configName">The setting's name, e.g. <c>bootstrap.servers</c>.</param>
    /// <param name="message">What is wrong with its value; the setting's name is prefixed to it.</param>
    /// <param name="innerException">The parse failure or other cause, if any.</param>
    public KafkaConfigException(string configName, string message, Exception? innerException)
        : base(ErrorCode.InvalidConfig, $"Invalid configuration '{configName}': {message}", innerException)
    {
        ConfigName = configName;
    }

    /// <summary>The name of the setting that is wrong.</summary>
    public string ConfigName { get; }

    /// <summary>Always <see langword="false"/>: the same configuration fails the same way again.</summary>
    public override bool IsRetriable => false;
}
