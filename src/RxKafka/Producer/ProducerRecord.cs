using RxKafka.Serialization;

namespace RxKafka.Producer;

/// <summary>A record to produce: topic, key, value, and optionally headers, a timestamp and an explicit partition.</summary>
/// <typeparam name="TKey">The key's type.</typeparam>
/// <typeparam name="TValue">The value's type.</typeparam>
/// <param name="Topic">The topic.</param>
/// <param name="Key">The key (may be null: unkeyed records are spread by the partitioner).</param>
/// <param name="Value">The value (may be null: a tombstone on a compacted topic).</param>
public sealed record ProducerRecord<TKey, TValue>(string Topic, TKey Key, TValue Value)
{
    /// <summary>The partition to write to, or null to let the partitioner choose.</summary>
    public int? Partition { get; init; }

    /// <summary>The record's timestamp (CreateTime), or null for the producer's clock when it is sent.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The record's headers, or null for none. Serializers may add to them.</summary>
    public Headers? Headers { get; init; }
}

/// <summary>Where a record was written.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The record's offset, or -1 when the broker does not say (acks=0).</param>
/// <param name="Timestamp">The record's timestamp: its CreateTime, or the broker's LogAppendTime when the topic uses that.</param>
public readonly record struct RecordMetadata(string Topic, int Partition, long Offset, DateTimeOffset Timestamp)
{
    /// <summary>The partition as a <see cref="TopicPartition"/>.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc/>
    public override string ToString() => $"{Topic}-{Partition}@{Offset}";
}

/// <summary>The outcome of producing one record: where it was written, or why it was not.</summary>
/// <typeparam name="TKey">The key's type.</typeparam>
/// <typeparam name="TValue">The value's type.</typeparam>
/// <param name="Record">The record.</param>
/// <param name="Metadata">Where it was written (the partition is known even when it failed, once one was chosen; the offset is -1 then).</param>
/// <param name="Error">Why it was not delivered, or null.</param>
public sealed record DeliveryReport<TKey, TValue>(ProducerRecord<TKey, TValue> Record, RecordMetadata Metadata, Exception? Error)
{
    /// <summary>Whether the record was delivered.</summary>
    public bool IsDelivered => Error is null;
}
