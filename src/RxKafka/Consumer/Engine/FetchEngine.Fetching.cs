using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Engine;

/// <summary>A partition in one fetch: its state and what the request asked for.</summary>
internal readonly record struct FetchTarget(PartitionState State, int Version, long FetchOffset, int LeaderEpoch, int LastFetchedEpoch, Guid TopicId);

// The sinks' side: which partitions a broker fetches now, and what its answers do to them.
internal sealed partial class FetchEngine
{
    private int _rotation;

    // What the fetches in flight may still bring (each counts its most: max.partition.fetch.bytes per partition,
    // fetch.max.bytes in all), counted against the prefetch bound with what is buffered: with one fetch in flight
    // per broker, several brokers answering at once would otherwise each add a whole fetch on top of the bound (R2).
    private long _reservedBytes;

    // Whether a sink found the prefetch full and went idle: it needs waking when room is made.
    private bool _heldBack;

    /// <summary>
    /// Marks in flight and returns every partition <paramref name="nodeId"/> should fetch now (R4): assigned,
    /// with a known position, not paused or failed, not in backoff, under the prefetch bound, and led by that
    /// broker (or preferred from it, KIP-392). The order rotates, so that when a response fills up it is not
    /// always the same partitions that wait. <paramref name="retryAt"/> is the earliest time a partition in
    /// backoff may be fetched, if any. <paramref name="divergingEpochs"/>: the broker's Fetch reports log
    /// divergence itself (v12+); otherwise a position from before a leader change is validated first (KIP-320).
    /// </summary>
    public List<FetchTarget> TakeFetchable(int nodeId, bool divergingEpochs, out DateTimeOffset? retryAt)
    {
        retryAt = null;
        var targets = new List<FetchTarget>();
        var snapshot = Client.Snapshot;
        var now = Scheduler.Now;
        var needMetadata = false;
        var leaderGone = false;
        var failed = false;
        lock (_gate)
        {
            if (_disposed || IsFull())
            {
                _heldBack = !_disposed;
                return targets;
            }

            var states = _partitions.Values.ToArray();
            var start = states.Length == 0 ? 0 : (_rotation++ & int.MaxValue) % states.Length;
            for (var i = 0; i < states.Length; i++)
            {
                var state = states[(start + i) % states.Length];
                if (state.Paused || state.Failed || state.FetchInFlight || state.FetchPosition < 0 || state.BufferedBytes >= Options.MaxPartitionFetchBytes)
                {
                    continue;
                }

                if (state.RetryAt > now)
                {
                    retryAt = retryAt is { } r && r < state.RetryAt ? r : state.RetryAt;
                    continue;
                }

                var partition = snapshot.GetPartition(state.Partition);
                if (partition is null)
                {
                    if (Missing(snapshot, state) is { } missing)
                    {
                        Fail(state, missing);
                        failed = true;
                    }
                    else
                    {
                        needMetadata = true;
                    }

                    continue;
                }

                var leader = partition?.Leader ?? -1;
                if (leader < 0)
                {
                    needMetadata = true;
                    continue;
                }

                // A leader the metadata no longer lists (a broker down) has no sink that WakeAll would wake: ask
                // the metadata again after the backoff until the leader is back or another one is named, as for
                // an unknown leader, or the partition waits for the next periodic update (minutes).
                if (snapshot.GetBroker(leader) is null)
                {
                    state.RetryAt = now + Client.Options.RetryBackoff;
                    needMetadata = true;
                    leaderGone = true;
                    continue;
                }

                var node = state.PreferredReplica >= 0 && state.PreferredUntil > now && snapshot.GetBroker(state.PreferredReplica) is not null ? state.PreferredReplica : leader;
                if (node != nodeId)
                {
                    continue;
                }

                if (AwaitsValidation(state, leader, partition!.LeaderEpoch, divergingEpochs))
                {
                    continue;
                }

                state.FetchInFlight = true;
                targets.Add(new FetchTarget(state, state.Version, state.FetchPosition, partition!.LeaderEpoch, state.LastFetchedEpoch, (snapshot.Topics.TryGetValue(state.Partition.Topic, out var topic) ? topic.TopicId : Guid.Empty)));
            }
        }

        if (targets.Count > 0)
        {
            lock (_gate)
            {
                _reservedBytes += Reservation(targets);
            }
        }

        if (needMetadata)
        {
            Client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
        }

        if (leaderGone)
        {
            ScheduleWake(Client.Options.RetryBackoff);
        }

        if (failed)
        {
            Signal();
        }

        return targets;
    }

    private long Reservation(List<FetchTarget> targets) => Math.Min(Options.FetchMaxBytes, (long)targets.Count * Options.MaxPartitionFetchBytes);

    // Under the gate: a fetch answered (or failed); true when a sink the bound held back may fetch now.
    private bool Unreserve(List<FetchTarget> targets)
    {
        _reservedBytes -= Reservation(targets);
        if (!_heldBack || IsFull())
        {
            return false;
        }

        _heldBack = false;
        return true;
    }

    // Under the gate: whether what is buffered and what the fetches in flight may bring fill the prefetch bound.
    private bool IsFull() => Interlocked.Read(ref _bufferedBytes) + _reservedBytes >= Options.PrefetchMaxBytes;

    // Bad input (an unknown topic or partition, a topic this client may not read) is an error the application
    // sees, naming the partition, once the metadata says so; a topic merely not in the metadata yet is waited for.
    private static ConsumeException? Missing(Cluster.ClusterSnapshot snapshot, PartitionState state)
    {
        var (topic, index) = (state.Partition.Topic, state.Partition.Partition);
        var at = new TopicPartitionOffset(state.Partition, state.FetchPosition);
        if (snapshot.UnauthorizedTopics.Contains(topic))
        {
            return new ConsumeException(at, ErrorCode.TopicAuthorizationFailed, $"this client is not authorized to read topic '{topic}'");
        }

        if (snapshot.TopicErrors.TryGetValue(topic, out var error) && error == ErrorCode.UnknownTopicOrPartition)
        {
            return new ConsumeException(at, error, $"topic '{topic}' does not exist");
        }

        return snapshot.Topics.TryGetValue(topic, out var metadata)
            ? new ConsumeException(at, ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' has partitions 0 to {metadata.Partitions.Length - 1}, not {index}")
            : null;
    }

    /// <summary>A fetch failed as a whole (no connection, a timeout, a broker error): its partitions back off and are tried again.</summary>
    public void OnFetchFailed(int nodeId, List<FetchTarget> targets, Exception error)
    {
        Logger?.LogDebug(error, "Fetch from broker {NodeId} failed for {Count} partition(s)", nodeId, targets.Count);
        var retryAt = Scheduler.Now + Client.Options.RetryBackoff;
        bool wake;
        lock (_gate)
        {
            wake = Unreserve(targets);
            foreach (var target in targets)
            {
                target.State.FetchInFlight = false;
                target.State.RetryAt = retryAt;
                target.State.PreferredReplica = -1;
            }
        }

        Client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
        ScheduleWake(Client.Options.RetryBackoff);
        if (wake)
        {
            WakeAll();
        }
    }

    /// <summary>Hands a fetch response's partitions to their states: chunks to deliver, new positions, resets, failures.</summary>
    public void OnFetched(int nodeId, List<FetchTarget> targets, FetchResponse response, Func<FetchResponse.FetchableTopicResponse, string?> topicName)
    {
        var byPartition = new Dictionary<TopicPartition, FetchResponse.PartitionData>();
        foreach (var topic in response.Responses)
        {
            if (topicName(topic) is not { } name)
            {
                continue;
            }

            foreach (var partition in topic.Partitions)
            {
                byPartition[new TopicPartition(name, partition.PartitionIndex)] = partition;
            }
        }

        var arrived = new List<PartitionState>();
        var lags = new List<PartitionLag>();
        var refreshMetadata = false;
        var lookUp = false;
        var backoff = false;
        var now = Scheduler.Now;
        bool wake;
        lock (_gate)
        {
            wake = Unreserve(targets);
            foreach (var target in targets)
            {
                var state = target.State;
                state.FetchInFlight = false;
                if (state.Revoked || state.Version != target.Version || !byPartition.TryGetValue(state.Partition, out var data))
                {
                    continue;
                }

                var outcome = OnPartition(target, data, response.Frame, nodeId, now);
                if (data.ErrorCode == 0 && EndOf(state) >= 0)
                {
                    lags.Add(new PartitionLag(state.Partition, Volatile.Read(ref state.Delivered), EndOf(state)));
                    if (data.Records is { Length: > 0 } fetched)
                    {
                        ConsumerInstruments.BytesFetched.Add(fetched.Length);
                    }
                }

                switch (outcome)
                {
                    case Outcome.Arrived:
                        arrived.Add(state);
                        break;
                    case Outcome.Retry:
                        state.RetryAt = now + Client.Options.RetryBackoff;
                        state.PreferredReplica = -1;
                        refreshMetadata = true;
                        backoff = true;
                        break;
                    case Outcome.LookUp:
                        lookUp = true;
                        break;
                }
            }
        }

        foreach (var lag in lags)
        {
            _lag.OnNext(lag);
        }

        if (refreshMetadata)
        {
            Client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
        }

        if (backoff)
        {
            ScheduleWake(Client.Options.RetryBackoff);
        }

        if (lookUp)
        {
            LookUpPositions();
        }

        if (wake)
        {
            WakeAll();
        }

        if (arrived.Count > 0)
        {
            if (ChunkArrived is { } listener)
            {
                foreach (var state in arrived)
                {
                    listener(state);
                }
            }

            Signal();
        }
    }

    // Under the gate: one partition of a response.
    private Outcome OnPartition(FetchTarget target, FetchResponse.PartitionData data, PooledFrame? frame, int nodeId, DateTimeOffset now)
    {
        var state = target.State;
        var error = (ErrorCode)data.ErrorCode;
        switch (error)
        {
            case ErrorCode.None:
                return OnRecords(target, data, frame, nodeId, now);
            case ErrorCode.OffsetOutOfRange:
                if (Options.AutoOffsetReset == AutoOffsetReset.None)
                {
                    Fail(state, new ConsumeException(new TopicPartitionOffset(state.Partition, target.FetchOffset), error, $"offset {target.FetchOffset} is out of range (log start {data.LogStartOffset}, high watermark {data.HighWatermark}) and auto.offset.reset is none"));
                    return Outcome.Arrived;
                }

                Logger?.LogInformation("Offset {Offset} of {Partition} is out of range; resetting to the {Reset}", target.FetchOffset, state.Partition, Options.AutoOffsetReset);
                SetPosition(state, null, PositionLookup.Reset);
                return Outcome.LookUp;
            case ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.UnsupportedCompressionType or ErrorCode.UnsupportedVersion:
                Fail(state, new ConsumeException(new TopicPartitionOffset(state.Partition, target.FetchOffset), error, $"broker {nodeId} refused the fetch: {KafkaErrors.Describe(error).Name}", KafkaErrors.ToException(error)));
                return Outcome.Arrived;
            default:
                // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION while a topic
                // is created, storage errors, and anything else: Kafka's consumers retry after fresh metadata.
                Logger?.LogDebug("Fetch of {Partition} from broker {NodeId}: {Error}; retrying after a metadata update", state.Partition, nodeId, error);
                return Outcome.Retry;
        }
    }

    private Outcome OnRecords(FetchTarget target, FetchResponse.PartitionData data, PooledFrame? frame, int nodeId, DateTimeOffset now)
    {
        var state = target.State;
        state.HighWatermark = data.HighWatermark;
        state.LastStableOffset = data.LastStableOffset;
        state.LogStartOffset = data.LogStartOffset;
        if (data.PreferredReadReplica >= 0 && data.PreferredReadReplica != nodeId)
        {
            // KIP-392: the leader names a replica in this consumer's rack; fetch from it until metadata would be refreshed.
            state.PreferredReplica = data.PreferredReadReplica;
            state.PreferredUntil = now + Client.Options.MetadataMaxAge;
            return Outcome.None;
        }

        if (data.DivergingEpoch is { EndOffset: >= 0 } diverging && diverging.EndOffset < target.FetchOffset)
        {
            return OnTruncation(state, target.FetchOffset, diverging.Epoch, diverging.EndOffset) ? Outcome.Arrived : Outcome.None;
        }

        var records = data.Records ?? ReadOnlyMemory<byte>.Empty;
        var end = Options.IsolationLevel == IsolationLevel.ReadCommitted && data.LastStableOffset >= 0 ? data.LastStableOffset : data.HighWatermark;
        if (records.Length > 0 && BatchHeaders.TryGetEnd(records.Span, out var next, out var epoch) && next > target.FetchOffset)
        {
            state.FetchPosition = next;
            state.LastFetchedEpoch = epoch;
            state.PositionEpoch = epoch;
            state.EofNoticed = false;

            // The chunk keeps slices of the response frame: one reference each, dropped when it is read or dropped.
            frame?.AddReference();
            Enqueue(state, new FetchedChunk
            {
                State = state,
                Version = target.Version,
                FetchOffset = target.FetchOffset,
                NextOffset = next,
                Records = records,
                Frame = frame,
                AbortedTransactions = data.AbortedTransactions is { Count: > 0 } aborted ? aborted : null,
                HighWatermark = data.HighWatermark,
            });
            NoticeEof(state, target.Version, next, end);
            return Outcome.Arrived;
        }

        if (records.Length == 0 && end >= 0 && end > target.FetchOffset && Options.IsolationLevel == IsolationLevel.ReadCommitted)
        {
            // Nothing readable below the LSO (aborted batches the broker left out, or markers only): move on.
            state.FetchPosition = end;
        }

        return NoticeEof(state, target.Version, state.FetchPosition, end) ? Outcome.Arrived : Outcome.None;
    }

    // Under the gate: queues the end-of-partition notice once the fetch position reaches the end.
    private bool NoticeEof(PartitionState state, int version, long position, long end)
    {
        if (!Options.EnablePartitionEof || state.EofNoticed || end < 0 || position < end)
        {
            return false;
        }

        state.EofNoticed = true;
        Enqueue(state, new FetchedChunk { State = state, Version = version, FetchOffset = position, NextOffset = position, IsEof = true });
        return true;
    }

    // Under the gate: the partition stops until the application seeks, and the error waits in line for it.
    private void Fail(PartitionState state, ConsumeException error)
    {
        state.Failed = true;
        Enqueue(state, new FetchedChunk { State = state, Version = state.Version, FetchOffset = error.Position.Offset, NextOffset = error.Position.Offset, Error = error });
    }

    private void ScheduleWake(TimeSpan after) => Scheduler.Schedule(after, () =>
    {
        LookUpPositions();
        WakeAll();
    });

    /// <summary>Asks every broker's sink to look for work (positions found, data taken, metadata changed).</summary>
    public void WakeAll()
    {
        var snapshot = Client.Snapshot;
        foreach (var broker in snapshot.GetBrokers())
        {
            // Bootstrap entries (negative ids) lead nothing.
            if (!_disposed && broker.NodeId >= 0)
            {
                _sinks.GetOrAdd(broker.NodeId, static (id, engine) => new FetchSink(engine, id), this).Wake();
            }
        }
    }

    private enum Outcome
    {
        None,
        Arrived,
        Retry,
        LookUp,
    }
}
