using RxKafka.Consumer.Engine;
using RxKafka.Protocol.Records;

namespace RxKafka.Consumer;

/// <summary>
/// The records of one fetched chunk of one partition, in offset order, as the raw face
/// (<see cref="KafkaConsumer{TKey, TValue}.ConsumeRawAsync"/>) hands them over: a view over the fetched
/// bytes, read with <c>foreach</c> (a struct enumerator of <see cref="RawRecord"/>s), with nothing allocated
/// per record. Valid until the face is asked for the next batch: after that every member throws
/// <see cref="InvalidOperationException"/>, because the bytes went back to a pool.
/// </summary>
/// <remarks>
/// Records are handed over as the enumeration reaches them; asking for the next batch marks what was
/// handed over processed. Records of a batch not enumerated (a <c>break</c>, a batch skipped) are not
/// lost: the partition goes back to the first of them and they are fetched again. A batch is enumerated
/// once.
/// </remarks>
public readonly struct RawRecordBatch
{
    private readonly RawChunkView? _view;
    private readonly int _generation;

    internal RawRecordBatch(RawChunkView view)
    {
        _view = view;
        _generation = view.Generation;
    }

    /// <summary>The partition the records belong to.</summary>
    /// <exception cref="InvalidOperationException">The face moved on to the next batch.</exception>
    public TopicPartition TopicPartition => View.Chunk!.State.Partition;

    /// <summary>The records' topic.</summary>
    /// <exception cref="InvalidOperationException">The face moved on to the next batch.</exception>
    public string Topic => TopicPartition.Topic;

    /// <summary>The records' partition number.</summary>
    /// <exception cref="InvalidOperationException">The face moved on to the next batch.</exception>
    public int Partition => TopicPartition.Partition;

    /// <summary>
    /// Whether this is the end-of-partition notice (<c>enable.partition.eof</c>) rather than records: it
    /// enumerates nothing, and <see cref="Offset"/> is the position.
    /// </summary>
    /// <exception cref="InvalidOperationException">The face moved on to the next batch.</exception>
    public bool IsPartitionEof => View.Chunk!.IsEof;

    /// <summary>The offset the batch starts at (records before it in a compressed batch are skipped); for an end-of-partition notice, the position.</summary>
    /// <exception cref="InvalidOperationException">The face moved on to the next batch.</exception>
    public long Offset => View.Chunk!.FetchOffset;

    /// <summary>The records, each a view valid until the enumerator moves on.</summary>
    /// <exception cref="InvalidOperationException">The face moved on to the next batch, or the batch was enumerated already.</exception>
    public Enumerator GetEnumerator()
    {
        View.BeginEnumeration();
        return new Enumerator(_view!, _generation);
    }

    /// <inheritdoc/>
    public override string ToString() => _view is { } view && view.Generation == _generation && view.Chunk is { } chunk
        ? chunk.IsEof ? $"{chunk.State.Partition} end at {chunk.FetchOffset}" : $"{chunk.State.Partition} from {chunk.FetchOffset}"
        : "a raw batch the face has moved past";

    private RawChunkView View => _view is { } view && view.Generation == _generation
        ? view
        : throw new InvalidOperationException(_view is null
            ? "this RawRecordBatch is default: take batches from ConsumeRawAsync"
            : "this raw batch was valid until the next batch was asked for: its bytes went back to the pool. Copy what you keep while reading it");

    /// <summary>Enumerates a batch's records without allocating.</summary>
    public struct Enumerator
    {
        private readonly RawChunkView _view;
        private readonly int _generation;
        private Record _record;
        private int _leaderEpoch;

        internal Enumerator(RawChunkView view, int generation)
        {
            _view = view;
            _generation = generation;
        }

        /// <summary>The current record, valid until <see cref="MoveNext"/>.</summary>
        public readonly RawRecord Current => new(_record, _view.Chunk!.State.Partition, _leaderEpoch);

        /// <summary>Moves to the next record: decompression and CRC checks happen here, on the caller's thread.</summary>
        /// <exception cref="ConsumeException">A batch failed its CRC or is malformed: names the partition and offset; the partition's position stays there.</exception>
        /// <exception cref="InvalidOperationException">The face moved on to the next batch.</exception>
        public bool MoveNext() => _view.TryRead(_generation, out _record, out _leaderEpoch);
    }
}
