namespace RxKafka.Serialization;

/// <summary>
/// What a serializer or deserializer knows about the record it works on: the topic, whether it is the
/// key or the value, and the record's headers. A struct, passed by reference (<c>in</c>) on the
/// synchronous path, so handing it over allocates nothing.
/// </summary>
/// <remarks>
/// <c>default(SerializationContext)</c> has no topic and no headers; the producer and consumer always
/// create a full one.
/// </remarks>
public readonly struct SerializationContext
{
    /// <summary>Creates the context for the key or the value of a record in <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic the record is produced to or was consumed from.</param>
    /// <param name="component">Whether the key or the value is being (de)serialized.</param>
    /// <param name="headers">The record's headers; a serializer may add to them.</param>
    /// <exception cref="ArgumentNullException"><paramref name="topic"/> or <paramref name="headers"/> is null.</exception>
    public SerializationContext(string topic, MessageComponentType component, Headers headers)
    {
        Topic = topic ?? throw new ArgumentNullException(nameof(topic));
        Component = component;
        Headers = headers ?? throw new ArgumentNullException(nameof(headers));
    }

    /// <summary>The topic the record is produced to or was consumed from.</summary>
    public string Topic { get; }

    /// <summary>Whether the key or the value is being (de)serialized.</summary>
    public MessageComponentType Component { get; }

    /// <summary>
    /// The record's headers. A serializer may add headers (e.g. a schema id or a content type); they are
    /// written with the record. The collection is only valid during the call: do not keep a reference,
    /// as the producer may reuse one instance for records that were sent without headers.
    /// </summary>
    public Headers Headers { get; }

    /// <inheritdoc />
    public override string ToString() => $"{(Component == MessageComponentType.Key ? "key" : "value")} of a record in topic '{Topic}'";
}
