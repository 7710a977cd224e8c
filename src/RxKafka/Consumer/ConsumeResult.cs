using System.Diagnostics.CodeAnalysis;
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
    // The record faces allocate one of these per record, so every field counts: the partition and the
    // assignment it was delivered under share one field (the assignment knows its partition; a result made
    // by hand holds its partition boxed), the timestamp is UTC ticks, the epoch an int, the type a byte.
    private readonly object? _source;
    private long _timestampUtcTicks;
    private int _leaderEpoch = -1;

    /// <summary>Creates an empty result: set at least <see cref="TopicPartition"/> and <see cref="Offset"/>.</summary>
    public ConsumeResult()
    {
    }

    /// <summary>A record delivered under <paramref name="owner"/>: what every face makes per record.</summary>
    [SetsRequiredMembers]
    internal ConsumeResult(Engine.PartitionState owner, long offset, TKey key, TValue value, Headers? headers, long timestampMs, TimestampType timestampType, int leaderEpoch)
    {
        _source = owner;
        Offset = offset;
        Key = key;
        Value = value;
        _headers = headers;
        _timestampUtcTicks = TicksFromUnixMilliseconds(timestampMs);
        TimestampType = timestampType;
        _leaderEpoch = leaderEpoch >= 0 ? leaderEpoch : -1;
    }

    /// <summary>The record's partition.</summary>
    public required TopicPartition TopicPartition
    {
        get => _source switch
        {
            Engine.PartitionState owner => owner.Partition,
            TopicPartition partition => partition,
            _ => default,
        };
        init => _source = value;
    }

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
    internal Engine.PartitionState? Owner => _source as Engine.PartitionState;

    /// <summary>Whether this is the end-of-partition notice rather than a record.</summary>
    public bool IsPartitionEof { get; init; }

    /// <summary>The record's topic.</summary>
    public string Topic => TopicPartition.Topic;

    /// <summary>The record's partition number.</summary>
    public int Partition => TopicPartition.Partition;

    /// <summary>The record's position: partition and offset.</summary>
    public TopicPartitionOffset TopicPartitionOffset => new(TopicPartition, Offset);

    // DateTimeOffset.FromUnixTimeMilliseconds without its second conversion; out of its range it throws as before.
    private static long TicksFromUnixMilliseconds(long milliseconds) =>
        milliseconds is >= MinUnixMilliseconds and <= MaxUnixMilliseconds
            ? DateTimeOffset.UnixEpoch.Ticks + (milliseconds * TimeSpan.TicksPerMillisecond)
            : DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcTicks;

    private const long MinUnixMilliseconds = -62_135_596_800_000;
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    /// <inheritdoc/>
    public override string ToString() => IsPartitionEof ? $"{TopicPartition} end at {Offset}" : $"{TopicPartition}@{Offset}";
}
