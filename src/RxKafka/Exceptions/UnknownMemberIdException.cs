using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// The group coordinator does not know the member id; the member has to rejoin. Kafka error <see cref="ErrorCode.UnknownMemberId"/>.
/// </summary>
public sealed class UnknownMemberIdException : KafkaException
{
    /// <summary>Creates the exception with the error code's standard message.</summary>
    public UnknownMemberIdException()
        : this(KafkaErrors.FormatMessage(ErrorCode.UnknownMemberId, context: null))
    {
    }

    /// <summary>Creates the exception with a specific message.</summary>
    public UnknownMemberIdException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with a specific message and cause.</summary>
    public UnknownMemberIdException(string message, Exception? innerException)
        : base(ErrorCode.UnknownMemberId, message, innerException)
    {
    }
}
