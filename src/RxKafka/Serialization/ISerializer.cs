using System.Buffers;

namespace RxKafka.Serialization;

/// <summary>
/// Turns a record's key or value into the bytes Kafka stores, writing them straight into the
/// producer's buffer. The producer calls it on the thread that sends the record, never on its I/O loop.
/// </summary>
/// <typeparam name="T">The type of the key or value.</typeparam>
/// <remarks>
/// <para>
/// Kafka tells a null key or value (length -1, e.g. a tombstone on a compacted topic) from an empty
/// one (length 0), and a serializer that writes nothing has written an empty value. So nulls are a
/// question of their own: the producer asks <see cref="IsNull(T)"/> first and writes a Kafka null when
/// it answers <see langword="true"/>; <see cref="Serialize"/> is then not called. Asking before
/// writing also lets the producer choose a partition for a null key (sticky partitioning, KIP-480)
/// without touching a buffer, and keeps <see cref="Serialize"/> free of a return value to check.
/// </para>
/// <para>
/// If <see cref="Serialize"/> throws, whatever it already wrote is discarded and only that record fails.
/// </para>
/// <para>
/// Implementations are shared by every record of a producer and may be called from several threads
/// at once: keep them stateless or thread-safe.
/// </para>
/// </remarks>
public interface ISerializer<in T>
{
    /// <summary>
    /// Whether <paramref name="value"/> is written as a Kafka null rather than as bytes. The default
    /// answers <see langword="true"/> exactly for a null reference (or an empty <see cref="Nullable{T}"/>).
    /// </summary>
    bool IsNull(T value) => value is null;

    /// <summary>
    /// Writes <paramref name="value"/>'s bytes to <paramref name="output"/> (with <c>GetSpan</c> and
    /// <c>Advance</c>, as many times as needed). Called only when <see cref="IsNull(T)"/> is false.
    /// </summary>
    /// <param name="value">The key or value to write.</param>
    /// <param name="output">Where the bytes go; for the producer, a pooled buffer of the record batch being built.</param>
    /// <param name="context">The topic, whether this is the key or the value, and the record's headers (which the serializer may add to).</param>
    /// <exception cref="SerializationException">The value cannot be written.</exception>
    void Serialize(T value, IBufferWriter<byte> output, in SerializationContext context);
}
