using System.Reactive.Concurrency;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RxKafka.Serialization;

/// <summary>
/// The built-in serializers. Each writes the bytes the Java client's serializer of the same kind
/// writes, so records are read alike by every Kafka client; each is a stateless singleton, and those
/// for bytes, memory, strings and numbers allocate nothing.
/// </summary>
/// <remarks>
/// Nulls stay nulls: a serializer of a type that can be null writes a null as a Kafka null (a null
/// key, or a tombstone value), never as empty bytes. See <see cref="ISerializer{T}.IsNull(T)"/>.
/// </remarks>
public static class Serializers
{
    /// <summary>A byte array as is; a null array is a Kafka null (Java's <c>ByteArraySerializer</c>).</summary>
    public static ISerializer<byte[]?> ByteArray { get; } = new ByteArraySerde();

    /// <summary>
    /// Memory as is. Never a Kafka null: empty memory is an empty value. For a nullable value use
    /// <c>Nullable(Serializers.ReadOnlyMemory)</c>.
    /// </summary>
    public static ISerializer<ReadOnlyMemory<byte>> ReadOnlyMemory { get; } = new ReadOnlyMemorySerde();

    /// <summary>
    /// A string as UTF-8 without a byte-order mark, encoded straight into the producer's buffer; a null
    /// string is a Kafka null (Java's <c>StringSerializer</c>; like it, a lone surrogate becomes <c>?</c>).
    /// </summary>
    public static ISerializer<string?> Utf8 { get; } = new Utf8Serde();

    /// <summary>A short as 2 big-endian bytes, two's complement (Java's <c>ShortSerializer</c>).</summary>
    public static ISerializer<short> Int16 { get; } = BigEndianIntegerSerde<short>.Instance;

    /// <summary>An int as 4 big-endian bytes, two's complement: 1 is <c>00 00 00 01</c>, -1 is <c>FF FF FF FF</c> (Java's <c>IntegerSerializer</c>).</summary>
    public static ISerializer<int> Int32 { get; } = BigEndianIntegerSerde<int>.Instance;

    /// <summary>A long as 8 big-endian bytes, two's complement (Java's <c>LongSerializer</c>).</summary>
    public static ISerializer<long> Int64 { get; } = BigEndianIntegerSerde<long>.Instance;

    /// <summary>A float's IEEE 754 bits as 4 big-endian bytes, NaN payloads kept (Java's <c>FloatSerializer</c>).</summary>
    public static ISerializer<float> Single { get; } = new SingleSerde();

    /// <summary>
    /// A double's IEEE 754 bits as 8 big-endian bytes: 1.5 is <c>3F F8 00 00 00 00 00 00</c> (Java's
    /// <c>DoubleSerializer</c>; like it, every NaN is written as <c>7F F8 00 00 00 00 00 00</c>).
    /// </summary>
    public static ISerializer<double> Double { get; } = new DoubleSerde();

    /// <summary>
    /// A Guid as its 36-character string form in UTF-8, lower-case with hyphens
    /// (<c>00112233-4455-6677-8899-aabbccddeeff</c>), as Java's <c>UUIDSerializer</c> writes a UUID.
    /// </summary>
    public static ISerializer<System.Guid> Guid { get; } = new GuidSerde();

    /// <summary>Always a Kafka null: for records without a key (<c>KafkaProducer&lt;Ignore, TValue&gt;</c>) or without a value.</summary>
    public static ISerializer<Ignore> Null { get; } = new IgnoreSerde();

    /// <summary>
    /// JSON through System.Text.Json, written with a <see cref="Utf8JsonWriter"/> straight into the
    /// producer's buffer. A null value is a Kafka null, not the JSON literal <c>null</c>.
    /// </summary>
    /// <param name="options">
    /// The serializer options (naming policy, converters, indentation, encoder); <see langword="null"/> for
    /// <see cref="JsonSerializerOptions.Default"/>. Options with a source-generated resolver work
    /// without reflection; options without a resolver get the reflection-based one and are made read-only,
    /// as <see cref="JsonSerializer"/> does on first use.
    /// </param>
    /// <exception cref="SerializationException">From <c>Serialize</c>, when System.Text.Json cannot write the value.</exception>
    public static ISerializer<T?> Json<T>(JsonSerializerOptions? options = null) => new JsonSerde<T>(JsonSerde<T>.Resolve(options));

    /// <summary>
    /// JSON through System.Text.Json with the type's metadata from a source-generated context
    /// (<c>MyContext.Default.Order</c>): no reflection, trimming- and AOT-safe. A null value is a Kafka null.
    /// </summary>
    /// <param name="typeInfo">The type's JSON metadata; its options (naming, indentation, encoder) apply.</param>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is null.</exception>
    public static ISerializer<T?> Json<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new JsonSerde<T>(typeInfo);
    }

    /// <summary>
    /// A serializer of <typeparamref name="T"/>? from one of <typeparamref name="T"/>: an empty
    /// <see cref="Nullable{T}"/> is a Kafka null (a tombstone, a null key), a value goes to <paramref name="serializer"/>.
    /// E.g. <c>Serializers.Nullable(Serializers.Int64)</c> for <c>long?</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="serializer"/> is null.</exception>
    public static ISerializer<T?> Nullable<T>(ISerializer<T> serializer)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return new NullableSerializer<T>(serializer);
    }

    /// <summary>
    /// An <see cref="IAsyncSerializer{T}"/> that runs <paramref name="serializer"/> and returns its bytes in
    /// a new array, so synchronous and asynchronous serializers can be handled alike.
    /// </summary>
    /// <remarks>
    /// Asynchronous serializers run off the producer's I/O loop (I4): the producer awaits them before the
    /// record joins a batch, on the side of the caller that sends it, so the loop that writes to brokers
    /// only ever copies finished bytes. Give a <paramref name="scheduler"/> to also take CPU-heavy
    /// serialization (large JSON documents, Avro encoding) off the calling thread, e.g.
    /// <see cref="TaskPoolScheduler.Default"/>. Prefer the <see cref="ISerializer{T}"/> itself where the
    /// producer accepts one: it writes into the batch's buffer and allocates nothing.
    /// </remarks>
    /// <param name="serializer">The synchronous serializer.</param>
    /// <param name="scheduler">
    /// Where serialization runs; <see langword="null"/> (the default) runs it at once on the calling thread
    /// and completes synchronously. Cancelling the token before queued work starts unqueues it.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="serializer"/> is null.</exception>
    public static IAsyncSerializer<T> ToAsync<T>(ISerializer<T> serializer, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return new AsyncSerializerAdapter<T>(serializer, scheduler);
    }
}
