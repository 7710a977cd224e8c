using RxKafka.Protocol.Records;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// What the raw face's <see cref="RawRecordBatch"/> values look through: the chunk being read, its reader,
/// and how far the application enumerated. One per enumeration of the face, reused for every chunk; each
/// chunk gets a new generation, so a batch or enumerator from an earlier one throws instead of reading bytes
/// that went back to the pool.
/// </summary>
internal sealed class RawChunkView : IDisposable
{
    private readonly ChunkReader _reader;
    private bool _enumerated;
    private bool _readToEnd;
    private long _next;

    public RawChunkView(ConsumerOptions options) => _reader = new ChunkReader(options);

    /// <summary>Bumped whenever the view moves to another chunk or lets one go.</summary>
    public int Generation { get; private set; }

    public FetchedChunk? Chunk { get; private set; }

    /// <summary>Starts a chunk (records or an end-of-partition notice).</summary>
    public void Start(FetchedChunk chunk)
    {
        Generation++;
        Chunk = chunk;
        _enumerated = false;
        _readToEnd = chunk.IsEof;
        _next = chunk.FetchOffset;
        if (!chunk.IsEof)
        {
            _reader.Start(chunk);
        }
    }

    /// <summary>
    /// Lets the chunk go: null when it was read to its end (the position moves past it), else the first offset
    /// not handed over, where the partition resumes. Every batch and enumerator of it is invalid from here on.
    /// </summary>
    public long? Finish()
    {
        Generation++;
        Chunk = null;
        return _readToEnd ? null : _next;
    }

    public void BeginEnumeration()
    {
        if (_enumerated)
        {
            throw new InvalidOperationException("a raw batch is enumerated once: its records were handed over already");
        }

        _enumerated = true;
    }

    /// <summary>The next record of the chunk, for an enumerator of <paramref name="generation"/>.</summary>
    public bool TryRead(int generation, out Record record, out int leaderEpoch)
    {
        if (generation != Generation)
        {
            throw new InvalidOperationException("this raw batch was valid until the next batch was asked for: its bytes went back to the pool. Copy what you keep while reading it");
        }

        // A seek, revocation or pause while reading: the rest of the chunk is not delivered (the other faces stop there too).
        if (!_readToEnd && Chunk!.MayDeliver && _reader.TryRead())
        {
            record = _reader.Current;
            _next = record.Offset + 1;
            leaderEpoch = _reader.LeaderEpoch;
            return true;
        }

        _readToEnd |= Chunk!.MayDeliver;
        record = default;
        leaderEpoch = -1;
        return false;
    }

    public void Dispose() => _reader.Dispose();
}
