using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RxKafka.Serialization;

/// <summary>
/// The built-in deserializers, each reading what the serializer of the same name in
/// <see cref="Serializers"/> (and the Java client's of the same kind) writes.
/// </summary>
/// <remarks>
/// Nulls stay nulls: a deserializer of a type that can be null reads a Kafka null as null. One of a
/// type that cannot (<see cref="Int32"/>, <see cref="Guid"/>, <see cref="ReadOnlyMemory"/>, ...) throws a
/// <see cref="SerializationException"/> on a Kafka null rather than invent a value; wrap it with
/// <see cref="Nullable{T}(IDeserializer{T})"/> to read nulls. Bytes of the wrong length throw a
/// <see cref="SerializationException"/> naming the topic, the key or value, and both lengths.
/// </remarks>
public static class Deserializers
{
    /// <summary>A copy of the bytes; a Kafka null is a null array (Java's <c>ByteArrayDeserializer</c>).</summary>
    public static IDeserializer<byte[]?> ByteArray { get; } = new ByteArraySerde();

    /// <summary>A copy of the bytes as memory (the record's own bytes are reused once the call returns). Throws on a Kafka null.</summary>
    public static IDeserializer<ReadOnlyMemory<byte>> ReadOnlyMemory { get; } = new ReadOnlyMemorySerde();

    /// <summary>A string from UTF-8, invalid sequences as U+FFFD; a Kafka null is a null string (Java's <c>StringDeserializer</c>).</summary>
    public static IDeserializer<string?> Utf8 { get; } = new Utf8Serde();

    /// <summary>A short from exactly 2 big-endian bytes (Java's <c>ShortDeserializer</c>).</summary>
    public static IDeserializer<short> Int16 { get; } = BigEndianIntegerSerde<short>.Instance;

    /// <summary>An int from exactly 4 big-endian bytes (Java's <c>IntegerDeserializer</c>).</summary>
    public static IDeserializer<int> Int32 { get; } = BigEndianIntegerSerde<int>.Instance;

    /// <summary>A long from exactly 8 big-endian bytes (Java's <c>LongDeserializer</c>).</summary>
    public static IDeserializer<long> Int64 { get; } = BigEndianIntegerSerde<long>.Instance;

    /// <summary>A float from exactly 4 big-endian bytes of IEEE 754 (Java's <c>FloatDeserializer</c>).</summary>
    public static IDeserializer<float> Single { get; } = new SingleSerde();

    /// <summary>A double from exactly 8 big-endian bytes of IEEE 754 (Java's <c>DoubleDeserializer</c>).</summary>
    public static IDeserializer<double> Double { get; } = new DoubleSerde();

    /// <summary>A Guid from its 36-byte UUID string form, either case (Java's <c>UUIDDeserializer</c>).</summary>
    public static IDeserializer<System.Guid> Guid { get; } = new GuidSerde();

    /// <summary>Skips the bytes, null or not: for consumers that do not want the key or the value.</summary>
    public static IDeserializer<Ignore> Ignore { get; } = new IgnoreSerde();

    /// <summary>
    /// JSON through System.Text.Json, read from the record's bytes in place. A Kafka null is null for
    /// reference types and <see cref="Nullable{T}"/> (as is the JSON literal <c>null</c>); for other
    /// value types it is a <see cref="SerializationException"/>, as for <see cref="Int32"/>.
    /// </summary>
    /// <param name="options">The serializer options; <see langword="null"/> for <see cref="JsonSerializerOptions.Default"/> (see <see cref="Serializers.Json{T}(JsonSerializerOptions?)"/>).</param>
    /// <exception cref="SerializationException">From <c>Deserialize</c>, when the bytes are not JSON for <typeparamref name="T"/>.</exception>
    public static IDeserializer<T?> Json<T>(JsonSerializerOptions? options = null) => new JsonSerde<T>(JsonSerde<T>.Resolve(options));

    /// <summary>JSON through System.Text.Json with the type's metadata from a source-generated context: no reflection.</summary>
    /// <param name="typeInfo">The type's JSON metadata (<c>MyContext.Default.Order</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is null.</exception>
    public static IDeserializer<T?> Json<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new JsonSerde<T>(typeInfo);
    }

    /// <summary>
    /// A deserializer of <typeparamref name="T"/>? from one of <typeparamref name="T"/>: a Kafka null is an
    /// empty <see cref="Nullable{T}"/>, anything else goes to <paramref name="deserializer"/>.
    /// E.g. <c>Deserializers.Nullable(Deserializers.Int64)</c> reads tombstones of a <c>long</c> topic as null.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="deserializer"/> is null.</exception>
    public static IDeserializer<T?> Nullable<T>(IDeserializer<T> deserializer)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(deserializer);
        return new NullableDeserializer<T>(deserializer);
    }
}
