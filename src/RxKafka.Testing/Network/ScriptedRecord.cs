using System.Text;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;

namespace RxKafka.Testing.Network;

/// <summary>One record in a partition's log of a <see cref="ScriptedCluster"/>, as the broker stored it.</summary>
/// <param name="Offset">The offset the broker assigned.</param>
/// <param name="Timestamp">The record's timestamp (CreateTime, as the producer wrote it), or -1 for a magic 0 message.</param>
/// <param name="Key">The key, or null.</param>
/// <param name="Value">The value, or null (a tombstone).</param>
/// <param name="Headers">The headers, in wire order (none for legacy messages).</param>
/// <param name="ProducerId">The producer id of the batch, or -1 when the producer was not idempotent.</param>
/// <param name="ProducerEpoch">The producer epoch of the batch, or -1.</param>
/// <param name="Sequence">The record's sequence number (the batch's base sequence plus its index, wrapping after <see cref="int.MaxValue"/> to 0 as Kafka's do), or -1.</param>
public sealed record ScriptedRecord(
    long Offset,
    long Timestamp,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<RecordHeader> Headers,
    long ProducerId,
    short ProducerEpoch,
    int Sequence)
{
    /// <summary>The key decoded as UTF-8, or null.</summary>
    public string? KeyString => Key is null ? null : Encoding.UTF8.GetString(Key);

    /// <summary>The value decoded as UTF-8, or null.</summary>
    public string? ValueString => Value is null ? null : Encoding.UTF8.GetString(Value);

    /// <inheritdoc/>
    public override string ToString() =>
        $"offset {Offset}: key {Show(Key)}, value {Show(Value)}, timestamp {Timestamp}, {Headers.Count} headers"
        + (ProducerId >= 0 ? $", producer {ProducerId} epoch {ProducerEpoch} sequence {Sequence}" : "");

    private static string Show(byte[]? bytes) => bytes is null ? "null" : $"'{Encoding.UTF8.GetString(bytes)}'";
}

/// <summary>
/// One record batch (or legacy message) appended to a partition's log of a <see cref="ScriptedCluster"/>:
/// the bytes exactly as the producer sent them, what the broker made of them, and when.
/// </summary>
/// <param name="BaseOffset">The offset the broker assigned to the first record.</param>
/// <param name="LastOffset">The offset of the last record.</param>
/// <param name="Magic">The format: 2 for a record batch, 0 or 1 for a legacy message (or compressed wrapper message).</param>
/// <param name="Compression">The codec of the batch.</param>
/// <param name="ProducerId">The producer id, or -1.</param>
/// <param name="ProducerEpoch">The producer epoch, or -1.</param>
/// <param name="BaseSequence">The sequence number of the first record, or -1.</param>
/// <param name="IsTransactional">Whether the batch belongs to a transaction (the producer's, or a marker).</param>
/// <param name="Bytes">The batch as received: base offset and partition leader epoch as the producer wrote them, not as assigned.</param>
/// <param name="NodeId">The node id of the broker (the partition's leader) that appended it.</param>
/// <param name="AppendedAt">The scheduler's time when the Produce request arrived.</param>
/// <param name="Records">The records, with the offsets assigned.</param>
public sealed record ScriptedBatch(
    long BaseOffset,
    long LastOffset,
    byte Magic,
    CompressionType Compression,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    bool IsTransactional,
    ReadOnlyMemory<byte> Bytes,
    int NodeId,
    DateTimeOffset AppendedAt,
    IReadOnlyList<ScriptedRecord> Records)
{
    /// <summary>
    /// Whether this is a control batch: a transaction marker the transaction coordinator wrote (one control
    /// record, abort or commit). Its record is in <see cref="Records"/> but never in the cluster's
    /// <see cref="ScriptedCluster.Log"/>, as a consumer never sees it.
    /// </summary>
    public bool IsControl { get; init; }

    /// <summary>The sequence number of the last record (wrapping as Kafka's do), or -1.</summary>
    public int LastSequence => BaseSequence < 0 ? -1 : ScriptedPartitionLog.AddToSequence(BaseSequence, Records.Count - 1);

    /// <inheritdoc/>
    public override string ToString() =>
        $"magic {Magic} batch at offsets {BaseOffset}-{LastOffset} ({Records.Count} records, {Compression}, {Bytes.Length} bytes) from broker {NodeId}"
        + (ProducerId >= 0 ? $", producer {ProducerId} epoch {ProducerEpoch} sequences {BaseSequence}-{LastSequence}" : "");
}
