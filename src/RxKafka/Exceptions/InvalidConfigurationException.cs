using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The broker rejected a configuration in the request as not valid. Kafka error <see cref="ErrorCode.InvalidConfig"/>.
/// </summary>
public sealed class InvalidConfigurationException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public InvalidConfigurationException()
        : this(KafkaErrors.FormatMessage(ErrorCode.InvalidConfig, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public InvalidConfigurationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public InvalidConfigurationException(string message, Exception? innerException)
        : base(ErrorCode.InvalidConfig, message, innerException)
    {
    }
}
