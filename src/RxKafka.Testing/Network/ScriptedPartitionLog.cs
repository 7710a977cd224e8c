using System.Buffers.Binary;

namespace RxKafka.Testing.Network;

/// <summary>What appending a partition's batches came to: the answer a Produce response gives for the partition.</summary>
/// <param name="Error">The error, or <see cref="ErrorCode.None"/>.</param>
/// <param name="BaseOffset">The offset of the first record appended (or of the original, for a duplicate); -1 on an error.</param>
/// <param name="LogAppendTime">-1 (CreateTime), except for a duplicate, which Kafka answers with the original batch's max timestamp.</param>
internal readonly record struct AppendResult(ErrorCode Error, long BaseOffset, long LogAppendTime)
{
    public static AppendResult Failed(ErrorCode error) => new(error, -1, -1);
}

/// <summary>
/// One partition's log in a <see cref="ScriptedCluster"/>: the batches and records appended, and the
/// state a partition leader keeps per idempotent producer (KIP-98): its epoch and the sequence and offset
/// ranges of its last five batches, against which each new batch is checked.
/// </summary>
/// <remarks>Not thread-safe: the cluster calls it under its lock.</remarks>
internal sealed partial class ScriptedPartitionLog
{
    /// <summary>How many batches per producer a partition remembers for duplicate detection (Kafka's ProducerStateEntry keeps 5).</summary>
    public const int RetainedBatches = 5;

    private readonly List<ScriptedBatch> _batches = new();
    private readonly List<ScriptedRecord> _records = new();
    private readonly Dictionary<long, ProducerEntry> _producers = new();

    // Each batch as a Fetch serves it: the bytes received with the base offset (or a legacy message's
    // offset) and the partition leader epoch the leader assigned, which lie outside the CRC.
    private readonly List<(byte[] Bytes, int LeaderEpoch)> _served = new();

    /// <summary>The first offset still in the log (nothing is ever deleted here: 0).</summary>
    public long LogStartOffset { get; private set; }

    /// <summary>The offset the next record gets.</summary>
    public long LogEndOffset { get; private set; }

    public IReadOnlyList<ScriptedBatch> Batches => _batches;

    public IReadOnlyList<ScriptedRecord> Records => _records;

    /// <summary>Sequence numbers wrap from <see cref="int.MaxValue"/> to 0, as Kafka's do.</summary>
    public static int AddToSequence(int sequence, int increment) =>
        sequence > int.MaxValue - increment ? increment - (int.MaxValue - sequence) - 1 : sequence + increment;

    /// <summary>Drops what the partition knows of <paramref name="producerId"/>, as when retention deletes its last records.</summary>
    public void Forget(long producerId) => _producers.Remove(producerId);

    /// <summary>
    /// Checks every batch against the producers' state, then appends them all (or none): consecutive offsets
    /// from the log end offset. A batch that repeats one of its producer's last five (same epoch, same first
    /// and last sequence) appends nothing and answers with the original's offset, as current brokers do, or
    /// with DUPLICATE_SEQUENCE_NUMBER when <paramref name="duplicateIsError"/>. A producer the partition has no
    /// state for starts at sequence 0, unless <paramref name="anySequenceFromUnknown"/> (Kafka 2.5+).
    /// </summary>
    public AppendResult Append(IReadOnlyList<ProducedBatch> batches, int nodeId, int leaderEpoch, DateTimeOffset now, bool duplicateIsError, bool anySequenceFromUnknown)
    {
        var updated = new Dictionary<long, ProducerEntry>();
        var next = LogEndOffset;
        foreach (var batch in batches)
        {
            var first = next;
            next += batch.Records.Count;
            if (!batch.IsIdempotent)
            {
                continue;
            }

            var current = _producers.GetValueOrDefault(batch.ProducerId);
            if (current?.FindDuplicate(batch) is { } original)
            {
                return duplicateIsError
                    ? AppendResult.Failed(ErrorCode.DuplicateSequenceNumber)
                    : new AppendResult(ErrorCode.None, original.FirstOffset, original.MaxTimestamp);
            }

            var entry = updated.GetValueOrDefault(batch.ProducerId) ?? current;
            var error = CheckSequence(entry, batch, anySequenceFromUnknown);
            if (error != ErrorCode.None)
            {
                return AppendResult.Failed(error);
            }

            updated[batch.ProducerId] = ProducerEntry.After(entry, batch, first, next - 1);
        }

        foreach (var (producerId, entry) in updated)
        {
            _producers[producerId] = entry;
        }

        var baseOffset = batches.Count == 0 ? -1 : LogEndOffset;
        foreach (var batch in batches)
        {
            AppendBatch(batch, nodeId, leaderEpoch, now);
        }

        return new AppendResult(ErrorCode.None, baseOffset, -1);
    }

    // The broker's checks of a batch's producer epoch and first sequence against what it knows of the producer.
    private static ErrorCode CheckSequence(ProducerEntry? entry, ProducedBatch batch, bool anySequenceFromUnknown)
    {
        if (entry is null)
        {
            // Brokers before 2.5 answered UNKNOWN_PRODUCER_ID when they had no state for the producer;
            // since KIP-360 they accept any sequence instead.
            return batch.BaseSequence == 0 || anySequenceFromUnknown ? ErrorCode.None : ErrorCode.UnknownProducerId;
        }

        if (batch.ProducerEpoch < entry.Epoch)
        {
            return ErrorCode.InvalidProducerEpoch;
        }

        if (batch.ProducerEpoch > entry.Epoch)
        {
            return batch.BaseSequence == 0 ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber;
        }

        return batch.BaseSequence == AddToSequence(entry.LastSequence, 1) ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber;
    }

    private void AppendBatch(ProducedBatch batch, int nodeId, int leaderEpoch, DateTimeOffset now)
    {
        var baseOffset = LogEndOffset;
        var records = new ScriptedRecord[batch.Records.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var r = batch.Records[i];
            var sequence = batch.IsIdempotent && !batch.IsControl ? AddToSequence(batch.BaseSequence, i) : -1;
            records[i] = new ScriptedRecord(baseOffset + i, r.Timestamp, r.Key, r.Value, r.Headers, batch.ProducerId, batch.ProducerEpoch, sequence);
        }

        _batches.Add(new ScriptedBatch(
            baseOffset,
            baseOffset + records.Length - 1,
            batch.Magic,
            batch.Compression,
            batch.ProducerId,
            batch.ProducerEpoch,
            batch.IsIdempotent && !batch.IsControl ? batch.BaseSequence : -1,
            batch.IsTransactional,
            batch.Bytes,
            nodeId,
            now,
            records) { IsControl = batch.IsControl });

        // A consumer never sees a transaction marker's control record; the offset it takes stays a gap.
        if (!batch.IsControl)
        {
            _records.AddRange(records);
        }

        if (batch.IsTransactional && !batch.IsControl)
        {
            BeginTransactionAt(batch.ProducerId, baseOffset);
        }

        _served.Add((Served(batch, baseOffset, baseOffset + records.Length - 1, leaderEpoch), leaderEpoch));
        LogEndOffset += records.Length;
    }

    /// <summary>The index of the batch that holds <paramref name="offset"/> (or the first after it), or the batch count when none does.</summary>
    public int BatchIndexOf(long offset)
    {
        var (low, high) = (0, _batches.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_batches[middle].LastOffset < offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Batch <paramref name="index"/> as a Fetch returns it: its assigned offsets and leader epoch written in.</summary>
    public byte[] ServedBytes(int index) => _served[index].Bytes;

    /// <summary>The leader epoch of the leader that appended batch <paramref name="index"/>.</summary>
    public int LeaderEpochOf(int index) => _served[index].LeaderEpoch;

    // A record batch gets its base offset and partition leader epoch; a legacy message its offset (a
    // compressed wrapper the offset of its last inner message). Neither is covered by the CRC. (The inner
    // messages of a magic 0 wrapper keep the offsets the producer gave them, which Kafka would rewrite.)
    private static byte[] Served(ProducedBatch batch, long baseOffset, long lastOffset, int leaderEpoch)
    {
        var bytes = (byte[])batch.Bytes.Clone();
        if (batch.Magic >= 2)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, baseOffset);
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RxKafka.Protocol.Records.RecordBatch.PartitionLeaderEpochOffset), leaderEpoch);
        }
        else
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, lastOffset);
        }

        return bytes;
    }

    /// <summary>Where a retained batch of a producer went.</summary>
    private readonly record struct BatchMetadata(int FirstSequence, int LastSequence, long FirstOffset, long LastOffset, long MaxTimestamp);

    /// <summary>What a partition knows of one producer: its epoch and its last batches, oldest first.</summary>
    private sealed record ProducerEntry(short Epoch, BatchMetadata[] Batches)
    {
        // No batches yet at this epoch (a marker bumped it): the next batch starts at sequence 0.
        public int LastSequence => Batches.Length == 0 ? -1 : Batches[^1].LastSequence;

        /// <summary>The entry once <paramref name="batch"/> is appended: a new epoch starts the batches afresh.</summary>
        public static ProducerEntry After(ProducerEntry? entry, ProducedBatch batch, long firstOffset, long lastOffset)
        {
            var added = new BatchMetadata(batch.BaseSequence, batch.LastSequence, firstOffset, lastOffset, batch.MaxTimestamp);
            var kept = entry is null || entry.Epoch != batch.ProducerEpoch ? [] : entry.Batches;
            return new ProducerEntry(batch.ProducerEpoch, [.. kept.Skip(Math.Max(0, kept.Length - (RetainedBatches - 1))), added]);
        }

        public BatchMetadata? FindDuplicate(ProducedBatch batch) =>
            batch.ProducerEpoch != Epoch
                ? null
                : Array.FindIndex(Batches, b => b.FirstSequence == batch.BaseSequence && b.LastSequence == batch.LastSequence) is var i and >= 0
                    ? Batches[i]
                    : null;
    }
}
