using RxKafka.Protocol.Records;

namespace RxKafka.Consumer;

/// <summary>
/// One record of a <see cref="RawRecordBatch"/>, as a view over the fetched bytes: nothing is copied or
/// allocated to read it. A <c>ref struct</c>, so it cannot be stored on the heap or kept across an
/// <c>await</c>; its spans are valid only until the batch's enumerator moves on (a compressed batch's records
/// live in a buffer the next batch reuses, and the fetched response goes back to a pool). Copy what you keep
/// (<c>record.Value.ToArray()</c>).
/// </summary>
public readonly ref struct RawRecord
{
    private readonly Record _record;
    private readonly TopicPartition _partition;
    private readonly int _leaderEpoch;

    internal RawRecord(Record record, TopicPartition partition, int leaderEpoch)
    {
        _record = record;
        _partition = partition;
        _leaderEpoch = leaderEpoch;
    }

    /// <summary>The record's topic (the partition's own string: nothing is allocated per record).</summary>
    public string Topic => _partition.Topic;

    /// <summary>The record's partition number.</summary>
    public int Partition => _partition.Partition;

    /// <summary>The record's partition.</summary>
    public TopicPartition TopicPartition => _partition;

    /// <summary>The record's offset.</summary>
    public long Offset => _record.Offset;

    /// <summary>The record's position: partition and offset.</summary>
    public TopicPartitionOffset TopicPartitionOffset => new(_partition, _record.Offset);

    /// <summary>The key's bytes; empty when <see cref="IsKeyNull"/>.</summary>
    public ReadOnlySpan<byte> Key => _record.Key.Span;

    /// <summary>Whether the key is null, as opposed to empty.</summary>
    public bool IsKeyNull => _record.IsKeyNull;

    /// <summary>The value's bytes; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlySpan<byte> Value => _record.Value.Span;

    /// <summary>Whether the value is null (a tombstone), as opposed to empty.</summary>
    public bool IsValueNull => _record.IsValueNull;

    /// <summary>
    /// The record's headers, in the order they were written, read lazily from the fetched bytes:
    /// <c>foreach</c> over them, <c>TryGetLast(key, out header)</c>, <c>header.KeyEquals(key)</c> and
    /// <c>header.KeyUtf8</c> allocate nothing (<c>header.Key</c> decodes a string).
    /// </summary>
    public RecordHeaders Headers => _record.Headers;

    /// <summary>The record's timestamp in milliseconds since the Unix epoch (-1 when the batch has none, magic 0).</summary>
    public long TimestampUnixMilliseconds => _record.Timestamp;

    /// <summary>The record's timestamp.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(_record.Timestamp);

    /// <summary>Whether <see cref="Timestamp"/> is when the producer made the record or when the broker appended it.</summary>
    public TimestampType TimestampType => _record.TimestampType;

    /// <summary>The leader epoch the record was written in (KIP-320), or null when the broker does not say (record batches before magic 2).</summary>
    public int? LeaderEpoch => _leaderEpoch >= 0 ? _leaderEpoch : null;

    /// <inheritdoc cref="object.ToString"/>
    public override string ToString() => $"{_partition}@{_record.Offset}";
}
