using RxKafka.Protocol;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// What one fetch response brought for one partition, waiting for the application: the raw batches (read,
/// decompressed and CRC-checked only when delivered, off the I/O loop), or the end-of-partition notice, or a
/// failure to report.
/// </summary>
internal sealed class FetchedChunk
{
    public required PartitionState State { get; init; }

    /// <summary>The partition's version when the fetch was sent: the chunk is stale once it differs.</summary>
    public required int Version { get; init; }

    /// <summary>The offset the fetch asked for: records before it (in a batch that starts earlier) are skipped.</summary>
    public required long FetchOffset { get; init; }

    /// <summary>One past the last whole batch: where the position goes once the chunk is read.</summary>
    public long NextOffset { get; init; }

    public ReadOnlyMemory<byte> Records { get; init; }

    private PooledFrame? _frame;

    /// <summary>The pooled response frame <see cref="Records"/> is a slice of, one reference held by this chunk; null when not pooled.</summary>
    public PooledFrame? Frame { get => _frame; init => _frame = value; }

    /// <summary>Aborted transactions in the fetched range (read_committed), by first offset; null when none.</summary>
    public List<FetchResponse.AbortedTransaction>? AbortedTransactions { get; init; }

    public long HighWatermark { get; init; } = -1;

    /// <summary>The end-of-partition notice rather than records.</summary>
    public bool IsEof { get; init; }

    /// <summary>A failure to hand to the application, rather than records.</summary>
    public ConsumeException? Error { get; init; }

    /// <summary>Bytes this chunk counts against the prefetch bound.</summary>
    public int Size => Records.Length;

    /// <summary>Whether nothing has invalidated the chunk since it was fetched (read without the gate: a hint to stop early; <c>Release</c> decides).</summary>
    public bool IsCurrent => Volatile.Read(ref State.Version) == Version;

    /// <summary>
    /// Whether a face may hand over the chunk's next record: still current, and its partition not paused since
    /// (a pause stops delivery at the next record; the rest is fetched again after Resume).
    /// </summary>
    public bool MayDeliver => IsCurrent && !State.Paused;

    /// <summary>
    /// Drops this chunk's reference to its frame: once it has been read to where it stops, or dropped (stale,
    /// unassigned, closed). Idempotent, so a chunk cannot give its frame back twice.
    /// </summary>
    public void ReturnFrame() => Interlocked.Exchange(ref _frame, null)?.Release();

    /// <inheritdoc/>
    public override string ToString() => IsEof ? $"{State.Partition} eof" : Error is not null ? $"{State.Partition} error {Error.Message}" : $"{State.Partition} {FetchOffset}..{NextOffset} ({Size} B)";
}
