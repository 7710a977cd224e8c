namespace RxKafka.Cluster;

/// <summary>Why a metadata update ran.</summary>
public enum MetadataUpdateReason
{
    /// <summary>The first Metadata request, to a bootstrap address (K1).</summary>
    Bootstrap,

    /// <summary>The metadata reached its maximum age (<c>metadata.max.age.ms</c>).</summary>
    MaxAge,

    /// <summary>Someone asked for it (<c>ForceMetadataUpdate</c>, waiting for a topic, a stale leader).</summary>
    Forced,

    /// <summary>The set of tracked topics changed.</summary>
    TrackedTopicsChanged,

    /// <summary>A connection broke or timed out, so a leader may have moved (K5).</summary>
    ConnectionLost,

    /// <summary>The previous update failed; this one comes after the retry backoff (K4).</summary>
    Retry,
}

/// <summary>
/// The outcome of one metadata update (M6): a new snapshot, or the error that made every broker
/// fail. Failures are reported here and never end the snapshot stream.
/// </summary>
/// <param name="At">When the update finished (the client's scheduler time).</param>
/// <param name="Reason">What started it.</param>
/// <param name="Snapshot">The snapshot after the update (after a failure: the unchanged current one).</param>
/// <param name="Broker">The broker that answered ("host:port"), or null after a failure.</param>
/// <param name="Error">Why it failed, or null when it succeeded.</param>
public sealed record MetadataUpdate(DateTimeOffset At, MetadataUpdateReason Reason, ClusterSnapshot Snapshot, string? Broker, Exception? Error)
{
    /// <summary>Whether the update produced a new snapshot.</summary>
    public bool Succeeded => Error is null;

    /// <inheritdoc/>
    public override string ToString() =>
        Succeeded
            ? $"metadata update ({Reason}) from {Broker}: generation {Snapshot.Generation}"
            : $"metadata update ({Reason}) failed: {Error!.Message}";
}
