namespace RxKafka.Consumer.Engine;

/// <summary>
/// One assigned partition, as the fetch engine keeps it. Every field is guarded by the engine's gate except
/// <see cref="Delivered"/> and <see cref="Processed"/>, which only the one delivering face writes.
/// </summary>
internal sealed class PartitionState
{
    public PartitionState(TopicPartition partition) => Partition = partition;

    public TopicPartition Partition { get; }

    /// <summary>The next offset to fetch; -1 while the position is unknown (being looked up).</summary>
    public long FetchPosition { get; set; } = -1;

    /// <summary>
    /// Bumped by everything that invalidates fetched data (a seek, a reset, a failure, revocation): a
    /// response or a buffered chunk of an older version is dropped unseen.
    /// revocation bumps it too. Written under the gate; read without it only as a hint.
    /// </summary>
    public int Version;

    /// <summary>How the position is to be found while <see cref="FetchPosition"/> is -1.</summary>
    public PositionLookup Lookup { get; set; } = PositionLookup.Committed;

    /// <summary>Whether a lookup (OffsetFetch or ListOffsets) for this partition is in flight.</summary>
    public bool LookingUp { get; set; }

    /// <summary>Whether a fetch naming this partition is in flight.</summary>
    public bool FetchInFlight { get; set; }

    /// <summary>Paused by the application: neither fetched nor delivered until resumed (survives everything but revocation).</summary>
    public bool Paused { get; set; }

    /// <summary>Set when the partition failed in a way only the application can resolve (a seek, a new assignment).</summary>
    public bool Failed { get; set; }

    /// <summary>No longer assigned: its chunks are dropped and nothing fetches it.</summary>
    public bool Revoked { get; set; }

    /// <summary>Bytes of fetched records waiting in <see cref="Chunks"/>.</summary>
    public long BufferedBytes { get; set; }

    /// <summary>Fetched data waiting for the application, in offset order.</summary>
    public Queue<FetchedChunk> Chunks { get; } = new();

    /// <summary>Whether the partition is in the engine's ready queue.</summary>
    public bool Queued { get; set; }

    /// <summary>Not fetched before this time (after a retriable error), on the scheduler's clock.</summary>
    public DateTimeOffset RetryAt { get; set; }

    /// <summary>The replica a broker named for this consumer's rack (KIP-392), or -1; used until <see cref="PreferredUntil"/>.</summary>
    public int PreferredReplica { get; set; } = -1;

    public DateTimeOffset PreferredUntil { get; set; }

    /// <summary>The leader epoch of the last batch fetched (KIP-320), -1 when unknown.</summary>
    public int LastFetchedEpoch { get; set; } = -1;

    /// <summary>The partition's leader epoch (from the metadata) when it was last fetched; -1 before the first fetch.</summary>
    public int FetchedLeaderEpoch { get; set; } = -1;

    /// <summary>Whether an OffsetForLeaderEpoch check of the position is in flight (KIP-320, brokers before Fetch v12).</summary>
    public bool Validating { get; set; }

    /// <summary>The leader epoch the position was found in or last read at, -1 when unknown (commits carry it).</summary>
    public int PositionEpoch { get; set; } = -1;

    public long HighWatermark { get; set; } = -1;

    public long LastStableOffset { get; set; } = -1;

    public long LogStartOffset { get; set; } = -1;

    /// <summary>Out-of-order acknowledgements of this assignment, when the application acknowledges records itself; null otherwise.</summary>
    public AckTracker? Acks { get; set; }

    /// <summary>Whether the end-of-partition notice for the current end was queued already.</summary>
    public bool EofNoticed { get; set; }

    /// <summary>The next offset to deliver: one past the last record handed to the application.</summary>
    public long Delivered;

    /// <summary>One past the last record the application is done with: what a commit of this partition commits.</summary>
    public long Processed;

    public override string ToString() =>
        $"{Partition} v{Version} fetch {FetchPosition} delivered {Volatile.Read(ref Delivered)} processed {Volatile.Read(ref Processed)} hw {HighWatermark} lso {LastStableOffset} buffered {BufferedBytes} B in {Chunks.Count} chunk(s){(FetchInFlight ? " in flight" : "")}{(Paused ? " paused" : "")}{(Failed ? " failed" : "")}{(LookingUp ? " looking up" : "")}";
}

/// <summary>How an unknown position is found.</summary>
internal enum PositionLookup
{
    /// <summary>The group's committed offset, else <c>auto.offset.reset</c>.</summary>
    Committed,

    /// <summary><c>auto.offset.reset</c> (an out-of-range position, or no group).</summary>
    Reset,

    /// <summary>The log start offset.</summary>
    Earliest,

    /// <summary>The log end offset (the last stable offset under read_committed).</summary>
    Latest,
}
