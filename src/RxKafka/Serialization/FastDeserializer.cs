namespace RxKafka.Serialization;

/// <summary>
/// What the built-in deserializers return without being called: a Kafka null read by one that maps it to
/// null (<see cref="Deserializers.ByteArray"/>, <see cref="Deserializers.Utf8"/>), and anything read by
/// <see cref="Deserializers.Ignore"/>. The consumer asks this first for every key and value, so a null key
/// (most records) costs neither an interface call nor a <see cref="SerializationContext"/>.
/// </summary>
internal static class FastDeserializer<T>
{
    /// <summary>Whether <paramref name="deserializer"/> is known to return the default here, without calling it.</summary>
    public static bool TryNull(IDeserializer<T> deserializer, bool isNull, out T result)
    {
        result = default!;
        return deserializer is IgnoreSerde || (isNull && deserializer is ByteArraySerde or Utf8Serde);
    }
}
