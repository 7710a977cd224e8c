
namespace RxKafka;

/// <summary>
/// A setting is missing or not valid: a client setting found by RxKafka before anything is sent
/// (<see cref="ConfigName"/> names it in Kafka's own spelling, e.g. <c>linger.ms</c>; the code is
/// <see cref="ErrorCode.InvalidConfig"/>), or one the broker rejected (<see cref="ErrorCode.InvalidConfig"/>,
/// <see cref="ErrorCode.InvalidRequiredAcks"/>, <see cref="ErrorCode.InvalidSessionTimeout"/>,
/// <see cref="ErrorCode.InvalidTransactionTimeout"/>). Never retriable: fix the configuration.
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

    /// <summary>Creates the exception for a configuration error code a broker reported.</summary>
    /// <param name="errorCode">The Kafka error code, e.g. <see cref="ErrorCode.InvalidRequiredAcks"/>.</param>
    /// <param name="message">The request and broker, and what the broker said.</param>
    /// <param name="innerException">The cause, if any.</param>
    public KafkaConfigException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
    }

    /// <summary>The name of the setting that is wrong; <see langword="null"/> when a broker reported the error without naming one.</summary>
    public string? ConfigName { get; }

    /// <summary>Always <see langword="false"/>: the same configuration fails the same way again.</summary>
    public override bool IsRetriable => false;
}
