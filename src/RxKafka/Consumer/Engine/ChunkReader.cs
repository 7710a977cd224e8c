using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using RxKafka.Protocol.Records;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// Reads the records of fetched chunks for one delivering face, on that face's thread: decompression and
/// CRC checks happen here, never on a connection's read loop. It skips what Kafka's consumers skip:
/// control batches, records before the fetch offset (a compressed batch starts before it), and under
/// read_committed the batches of aborted transactions (T2), from the response's aborted-transaction list
/// and the abort markers as they pass.
/// </summary>
internal sealed class ChunkReader : IDisposable
{
    private readonly RecordBatchReader _reader;
    private readonly bool _readCommitted;
    private readonly PriorityQueue<long, long> _abortedStarts = new();
    private readonly HashSet<long> _abortedProducers = [];
    private FetchedChunk? _chunk;
    private RecordBatch _batch;
    private RecordBatch.Enumerator _records;
    private bool _inBatch;
    private bool _skipping;
    private int _batchStart;

    public ChunkReader(ConsumerOptions options)
    {
        _reader = new RecordBatchReader(ReadOnlyMemory<byte>.Empty, options.CheckCrcs);
        _readCommitted = options.IsolationLevel == IsolationLevel.ReadCommitted;
    }

    /// <summary>Starts reading <paramref name="chunk"/>'s records.</summary>
    public void Start(FetchedChunk chunk)
    {
        _chunk = chunk;
        _reader.Reset(chunk.Records);
        _inBatch = false;
        _abortedStarts.Clear();
        _abortedProducers.Clear();
        if (_readCommitted && chunk.AbortedTransactions is { } aborted)
        {
            foreach (var transaction in aborted)
            {
                _abortedStarts.Enqueue(transaction.ProducerId, transaction.FirstOffset);
            }
        }
    }

    /// <summary>The leader epoch of the batch the last record read came from, or -1 (before magic 2, or not given).</summary>
    public int LeaderEpoch => _batch.Magic >= 2 && _batch.PartitionLeaderEpoch >= 0 ? _batch.PartitionLeaderEpoch : -1;

    /// <summary>The record <see cref="TryRead"/> moved to (valid until the next call; its batch's epoch is <see cref="LeaderEpoch"/>).</summary>
    public Record Current => _records.Current;

    /// <summary>
    /// Moves to the next record to deliver (<see cref="Current"/>); false at the chunk's end. Only the record's
    /// place is kept per call, not a copy of it or of its batch's header.
    /// </summary>
    /// <exception cref="ConsumeException">A batch failed its CRC or is malformed: names the partition, the batch's offset and where the next batch starts.</exception>
    public bool TryRead()
    {
        // The common case, kept small: the next record of the batch being read (past the fetch offset: the slow
        // path returns only from there). Starting a batch, skipping records before the fetch offset and
        // everything the end of a batch brings are out of line.
        if (_inBatch && NextRecord())
        {
            return true;
        }

        return TryReadFromNextBatch();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryReadFromNextBatch()
    {
        var chunk = _chunk!;
        while (true)
        {
            if (_inBatch)
            {
                if (NextRecord())
                {
                    // Only a batch that starts before the fetch offset (a compressed one) has records to skip.
                    if (_skipping && _records.Current.Offset < chunk.FetchOffset)
                    {
                        continue;
                    }

                    _skipping = false;
                    return true;
                }

                _inBatch = false;
            }

            _batchStart = _reader.Position;
            try
            {
                if (!_reader.TryReadBatch(out _batch))
                {
                    return false;
                }
            }
            catch (KafkaProtocolException e)
            {
                throw Corrupt(e);
            }

            if (_batch.LastOffset < chunk.FetchOffset)
            {
                continue;
            }

            if (_batch.IsControl)
            {
                OnControl();
                continue;
            }

            if (_readCommitted && _batch.IsTransactional && IsAborted())
            {
                continue;
            }

            _records = _batch.GetEnumerator();
            _skipping = _batch.BaseOffset < chunk.FetchOffset;
            _inBatch = true;
        }
    }

    public void Dispose() => _reader.Dispose();

    private bool NextRecord()
    {
        try
        {
            return _records.MoveNext();
        }
        catch (KafkaProtocolException e)
        {
            throw Corrupt(e);
        }
    }

    // A transactional batch is aborted when its producer has an aborted transaction starting at or before the
    // batch's end that no abort marker has closed yet (Kafka's own consumer reads the list the same way).
    private bool IsAborted()
    {
        TakeAbortedStarts();
        return _abortedProducers.Contains(_batch.ProducerId);
    }

    // The aborted transactions that start at or before the current batch's end are open from here on.
    private void TakeAbortedStarts()
    {
        while (_abortedStarts.TryPeek(out var producerId, out var firstOffset) && firstOffset <= _batch.LastOffset)
        {
            _abortedStarts.Dequeue();
            _abortedProducers.Add(producerId);
        }
    }

    private void OnControl()
    {
        if (!_readCommitted)
        {
            return;
        }

        // First the transactions starting up to the marker: one that wrote nothing to this partition starts at
        // its own abort marker, which must close it, or the producer's later (committed) batches read as aborted.
        TakeAbortedStarts();
        foreach (var record in _batch)
        {
            if (ControlRecord.TryParse(record, out var control) && control.Type == ControlRecordType.Abort)
            {
                _abortedProducers.Remove(_batch.ProducerId);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ConsumeException Corrupt(KafkaProtocolException e)
    {
        var chunk = _chunk!;
        var at = chunk.Records.Span[_batchStart..];
        var offset = at.Length >= 8 ? BinaryPrimitives.ReadInt64BigEndian(at) : chunk.FetchOffset;
        long? next = BatchHeaders.TryNext(at, out var n, out _, out _) ? n : null;
        return new ConsumeException(
            new TopicPartitionOffset(chunk.State.Partition, Math.Max(offset, chunk.FetchOffset)),
            ErrorCode.CorruptMessage,
            $"the record batch at offset {offset} cannot be read ({e.Message}){(next is { } skip ? $"; seek to {skip} to skip it" : "")}",
            e,
            next);
    }
}
