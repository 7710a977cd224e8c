using System.Runtime.CompilerServices;
using RxKafka.Consumer.Engine;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;

namespace RxKafka.Consumer;

// Turning fetched records into ConsumeResults: the one place every face deserializes.
public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <summary>
    /// Deserializes one record. A deserializer that throws becomes a <see cref="ConsumeException"/> naming the
    /// record's partition and offset; the partition's position stays at that record, so nothing is lost.
    /// </summary>
    private ConsumeResult<TKey, TValue> Materialize(FetchedChunk chunk, in Record record, int leaderEpoch, Headers scratch) =>
        Materialize(chunk, record, leaderEpoch, scratch, _keyDeserializer, _valueDeserializer);

    /// <summary>The same with the deserializers given: what every face runs per record (the decode benchmark calls it too).</summary>
    internal static ConsumeResult<TKey, TValue> Materialize(FetchedChunk chunk, in Record record, int leaderEpoch, Headers scratch, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer)
    {
        var state = chunk.State;
        Headers? headers = null;
        if (record.HeaderCount > 0)
        {
            headers = ReadHeaders(record);
        }
        else
        {
            // A record without headers gets none allocated: the deserializers see an empty scratch list.
            scratch.Clear();
        }

        var component = MessageComponentType.Key;
        try
        {
            record.GetSpans(out var keyBytes, out var valueBytes);
            var topic = state.Partition.Topic;
            var key = FastDeserializer<TKey>.TryNull(keyDeserializer, record.IsKeyNull, out var nullKey)
                ? nullKey
                : keyDeserializer.Deserialize(keyBytes, record.IsKeyNull, new SerializationContext(topic, component, headers ?? scratch));
            component = MessageComponentType.Value;
            var value = FastDeserializer<TValue>.TryNull(valueDeserializer, record.IsValueNull, out var nullValue)
                ? nullValue
                : valueDeserializer.Deserialize(valueBytes, record.IsValueNull, new SerializationContext(topic, component, headers ?? scratch));
            return new ConsumeResult<TKey, TValue>(state, record.Offset, key, value, headers, record.Timestamp, record.TimestampType, leaderEpoch);
        }
        catch (Exception e)
        {
            throw DeserializerFailed(state, record.Offset, component, e);
        }
    }

    // Out of line, as the error below: what only some records need stays out of the frame every record pays for.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Headers ReadHeaders(in Record record)
    {
        var headers = new Headers();
        foreach (var header in record.Headers)
        {
            headers.Add(header.Key, header.IsValueNull ? null : header.Value.ToArray());
        }

        return headers;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ConsumeException DeserializerFailed(PartitionState state, long offset, MessageComponentType component, Exception e) =>
        new(
            new TopicPartitionOffset(state.Partition, offset),
            ErrorCode.None,
            $"the {(component == MessageComponentType.Key ? "key" : "value")} deserializer failed: {e.Message} (the position stays at this record; seek to {offset + 1} to skip it)",
            e,
            offset + 1);

    /// <inheritdoc/>
    public bool Acknowledge(ConsumeResult<TKey, TValue> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Options.EnableAutoOffsetStore)
        {
            throw new InvalidOperationException("Acknowledge needs enable.auto.offset.store=false: with it on, the faces mark records processed themselves");
        }

        return result.Owner is { } owner && !result.IsPartitionEof && _engine.Acknowledge(owner, result.Offset);
    }

    // A record handed over: with acknowledgements it waits for one; otherwise the face marks it processed itself.
    private static void Handed(Engine.PartitionState state, long offset)
    {
        state.Acks?.Delivered(offset);
        Volatile.Write(ref state.Delivered, offset + 1);
    }

    private static void Processed(Engine.PartitionState state, long next)
    {
        if (state.Acks is null)
        {
            Volatile.Write(ref state.Processed, next);
        }
    }

    // A chunk that is a notice rather than records: a failure, or the end of the partition. Either is read once.
    private static bool IsNotice(FetchedChunk chunk) => chunk.Error is not null || chunk.IsEof;

    /// <summary>The end-of-partition result of a notice chunk.</summary>
    /// <exception cref="ConsumeException">The chunk is a failure: it is thrown to the face.</exception>
    private static ConsumeResult<TKey, TValue> Notice(FetchedChunk chunk) => chunk.Error is { } error ? throw error : EndOfPartition(chunk);

    private static ConsumeResult<TKey, TValue> EndOfPartition(FetchedChunk chunk) =>
        new() { TopicPartition = chunk.State.Partition, Offset = chunk.NextOffset, IsPartitionEof = true };
}
