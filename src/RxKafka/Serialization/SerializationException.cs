
namespace RxKafka.Serialization;

/// <summary>
/// A key or value could not be serialized or deserialized: bytes of the wrong length (an Int32 of 3
/// bytes), a Kafka null where the type has none, bad content (malformed JSON). Names the
/// <see cref="Topic"/> and whether it was the key or the value. Not a broker error
/// (<see cref="KafkaException.ErrorCode"/> is <see cref="ErrorCode.None"/>) and never retriable: the same
/// bytes fail the same way; use the serializer that matches what the topic holds.
/// </summary>
public sealed class SerializationException : KafkaException
{
    /// <summary>Creates the exception for the key or value of a record in <paramref name="topic"/>.</summary>
    /// <param name="topic">The record's topic.</param>
    /// <param name="component">Whether the key or the value failed.</param>
    /// <param name="message">What was wrong; the topic and component are prefixed to it.</param>
    /// <param name="innerException">The underlying failure (e.g. a <c>JsonException</c>), if any.</param>
    public SerializationException(string topic, MessageComponentType component, string message, Exception? innerException = null)
        : base(ErrorCode.None, $"{(component == MessageComponentType.Key ? "Key" : "Value")} of a record in topic '{topic}': {message}", innerException)
    {
        Topic = topic;
        Component = component;
    }

    /// <summary>Creates the exception for the key or value that <paramref name="context"/> describes.</summary>
    /// <param name="context">The context the serializer or deserializer was called with.</param>
    /// <param name="message">What was wrong; the topic and component are prefixed to it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public SerializationException(in SerializationContext context, string message, Exception? innerException = null)
        : this(context.Topic, context.Component, message, innerException)
    {
    }

    /// <summary>The topic of the record whose key or value failed.</summary>
    public string Topic { get; }

    /// <summary>Whether the key or the value failed.</summary>
    public MessageComponentType Component { get; }

    /// <summary>Always <see langword="false"/>: the same value or bytes fail the same way again.</summary>
    public override bool IsRetriable => false;

    internal static SerializationException WrongLength(in SerializationContext context, string format, int expected, int actual) =>
        new(context, $"cannot deserialize {format} from {actual} bytes: it takes exactly {expected}. Was it written with another serializer?");

    internal static SerializationException UnexpectedNull(in SerializationContext context, string format) =>
        new(context, $"the record holds a null, which {format} cannot represent. Wrap the deserializer with Deserializers.Nullable(...) to read nulls as null.");
}
