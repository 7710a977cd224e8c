namespace RxKafka.Serialization;

/// <summary>Turns the bytes of a consumed record's key or value back into a value.</summary>
/// <typeparam name="T">The type of the key or value.</typeparam>
/// <remarks>
/// The bytes are a view of the fetched record batch and are only valid during the call: a deserializer
/// that keeps bytes copies them. Implementations may be called from several threads at once.
/// </remarks>
public interface IDeserializer<out T>
{
    /// <summary>Reads a key or value.</summary>
    /// <param name="data">The bytes; empty when <paramref name="isNull"/>.</param>
    /// <param name="isNull">Whether the record holds a Kafka null here (a null key or a tombstone), as opposed to empty bytes.</param>
    /// <param name="context">The topic, whether this is the key or the value, and the record's headers.</param>
    /// <returns>The value; a deserializer for a type that has a null returns it for a Kafka null.</returns>
    /// <exception cref="SerializationException">The bytes are not what this deserializer reads (a wrong length, a null where the type has none, bad content).</exception>
    T Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context);
}
