namespace RxKafka.Serialization;

/// <summary>
/// A serializer that may have to wait, e.g. to register or look up a schema in a schema registry
/// before it can write the schema id (I1). It returns the bytes rather than writing into a buffer,
/// because the producer's buffers are not held across an await.
/// </summary>
/// <typeparam name="T">The type of the key or value.</typeparam>
/// <remarks>
/// The producer awaits an asynchronous serializer before the record joins a batch, on the side of the
/// caller that sends it, so a slow call delays that record only and never stalls the I/O loop that
/// writes to brokers (I4). An <see cref="ISerializer{T}"/> becomes one with
/// <see cref="Serializers.ToAsync{T}(ISerializer{T}, System.Reactive.Concurrency.IScheduler?)"/>, which can
/// also move CPU-heavy work to another scheduler.
/// </remarks>
public interface IAsyncSerializer<in T>
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    /// <param name="value">The key or value to write.</param>
    /// <param name="context">The topic, whether this is the key or the value, and the record's headers (which the serializer may add to before it completes).</param>
    /// <param name="cancellationToken">Cancelled when the record is abandoned (e.g. the producer is disposed).</param>
    /// <returns>The bytes, or <see langword="null"/> for a Kafka null (a null key or a tombstone); never the same as empty bytes.</returns>
    /// <exception cref="SerializationException">The value cannot be written.</exception>
    ValueTask<ReadOnlyMemory<byte>?> SerializeAsync(T value, SerializationContext context, CancellationToken cancellationToken);
}
