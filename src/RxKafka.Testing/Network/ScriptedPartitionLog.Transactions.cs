using RxKafka.Protocol;
using RxKafka.Protocol.Records;

namespace RxKafka.Testing.Network;

// The transactional side of a partition log, as Kafka's ProducerStateManager keeps it: the first offset of
// each producer's open transaction (which holds the last stable offset back) and the aborted-transaction
// index that read_committed consumers filter with.
internal sealed partial class ScriptedPartitionLog
{
    // Producer id -> the offset of the first record of its open transaction on this partition.
    private readonly Dictionary<long, long> _ongoing = new();
    private readonly List<ScriptedAbortedTransaction> _aborted = new();

    /// <summary>
    /// The last stable offset: the first offset of the oldest open transaction, or the high watermark (the log
    /// end offset here) when none is open. read_committed consumers read up to it and no further.
    /// </summary>
    public long LastStableOffset => _ongoing.Count == 0 ? LogEndOffset : Math.Min(_ongoing.Values.Min(), LogEndOffset);

    /// <summary>The aborted-transaction index, in the order the abort markers landed (offset order).</summary>
    public IReadOnlyList<ScriptedAbortedTransaction> AbortedTransactions => _aborted;

    /// <summary>
    /// The aborted transactions a read_committed Fetch of [<paramref name="start"/>, <paramref name="end"/>)
    /// lists: those whose records reach into the range (Kafka's collectAbortedTransactions).
    /// </summary>
    public IEnumerable<ScriptedAbortedTransaction> AbortedOverlapping(long start, long end) =>
        _aborted.Where(a => a.LastOffset >= start && a.FirstOffset < end);

    /// <summary>
    /// Appends a transaction marker for <paramref name="producerId"/> at the log end: a control batch (magic 2,
    /// transactional) of one control record, abort or commit, carrying the coordinator epoch. It closes the
    /// producer's open transaction here; an abort enters the aborted-transaction index. A marker of a newer
    /// epoch (an epoch bump on completion, KIP-890, or a fence) moves the producer's state to it, sequences
    /// starting again at 0.
    /// </summary>
    public void AppendMarker(long producerId, short producerEpoch, bool commit, int coordinatorEpoch, int nodeId, int leaderEpoch, DateTimeOffset now)
    {
        var offset = LogEndOffset;
        using var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = producerEpoch, IsControl = true, IsTransactional = true };
        var timestamp = now.ToUnixTimeMilliseconds();
        builder.AppendControlRecord(timestamp, commit ? ControlRecordType.Commit : ControlRecordType.Abort, coordinatorEpoch);
        var bytes = builder.Build().ToArray();
        var record = ReadControlRecord(bytes);
        AppendBatch(new ProducedBatch(2, CompressionType.None, true, producerId, producerEpoch, -1, timestamp, bytes, [record]) { IsControl = true }, nodeId, leaderEpoch, now);

        var first = _ongoing.Remove(producerId, out var began) ? began : offset;
        if (!commit)
        {
            _aborted.Add(new ScriptedAbortedTransaction(producerId, first, offset));
        }

        if (!_producers.TryGetValue(producerId, out var entry) || entry.Epoch < producerEpoch)
        {
            _producers[producerId] = new ProducerEntry(producerEpoch, []);
        }
    }

    // A transactional batch opens its producer's transaction here unless one is open already.
    private void BeginTransactionAt(long producerId, long offset) => _ongoing.TryAdd(producerId, offset);

    private static ProducedRecord ReadControlRecord(byte[] bytes)
    {
        using var reader = new RecordBatchReader(bytes, checkCrcs: false);
        reader.TryReadBatch(out var batch);
        foreach (var record in batch)
        {
            return ProducedRecord.Copy(record);
        }

        throw new InvalidOperationException("a marker batch holds one control record");
    }
}
