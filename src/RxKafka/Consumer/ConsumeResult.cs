using RxKafka.Protocol.Records;
using RxKafka.Serialization;

namespace RxKafka.Consumer;

/// <summary>
/// A record a consumer read, with where it came from; or, with <see cref="IsPartitionEof"/>, the notice
/// that the consumer reached the end of a partition (<c>enable.partition.eof</c>).
/// </summary>
/// <typeparam name="TKey">The key's type.</typeparam>
/// <typeparam name="TValue">The value's type.</typeparam>
public sealed class ConsumeResult<TKey, TValue>
{
    /// <summary>The record's partition.</summary>
    public required TopicPartition TopicPartition { get; init; }

    /// <summary>The record's offset; for an end-of-partition notice, the position (the next offset to be written).</summary>
    public required long Offset { get; init; }

    /// <summary>The record's key (the default for an end-of-partition notice).</summary>
    public TKey Key { get; init; } = default!;

    /// <summary>The record's value (the default for an end-of-partition notice).</summary>
    public TValue Value { get; init; } = default!;

    private Headers? _headers;

    /// <summary>The record's headers, in the order they were written; empty when it has none.</summary>
    public Headers Headers
    {
        get => _headers ??= new Headers();
        init => _headers = value;
    }

    // Kept as UTC ticks and an int rather than a DateTimeOffset and an int?: 16 bytes less per record on the
    // record faces, where the result is most of what is allocated besides the value.
    private long _timestampUtcTicks;
    private int _leaderEpoch = -1;

    /// <summary>The record's timestamp, in UTC (an offset given at initialization is kept as the same instant in UTC).</summary>
    public DateTimeOffset Timestamp
    {
        get => new(_timestampUtcTicks, TimeSpan.Zero);
        init => _timestampUtcTicks = value.UtcTicks;
    }

    /// <summary>Whether <see cref="Timestamp"/> is when the producer made the record or when the broker appended it.</summary>
    public TimestampType TimestampType { get; init; }

    /// <summary>The leader epoch the record was written in (KIP-320), or null when the broker does not say (record batches before magic 2).</summary>
    public int? LeaderEpoch
    {
        get => _leaderEpoch >= 0 ? _leaderEpoch : null;
        init => _leaderEpoch = value is { } epoch && epoch >= 0 ? epoch : -1;
    }

    /// <summary>The assignment the record was delivered under: an acknowledgement after it ended is dropped (R9).</summary>
    internal Engine.PartitionState? Owner { get; init; }

    /// <summary>Whether this is the end-of-partition notice rather than a record.</summary>
    public bool IsPartitionEof { get; init; }

    /// <summary>The record's topic.</summary>
    public string Topic => TopicPartition.Topic;

    /// <summary>The record's partition number.</summary>
    public int Partition => TopicPartition.Partition;

    /// <summary>The record's position: partition and offset.</summary>
    public TopicPartitionOffset TopicPartitionOffset => new(TopicPartition, Offset);

    /// <inheritdoc/>
    public override string ToString() => IsPartitionEof ? $"{TopicPartition} end at {Offset}" : $"{TopicPartition}@{Offset}";
}
