using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Engine;

// Finding positions: the group's committed offsets (OffsetFetch), else auto.offset.reset (ListOffsets).
internal sealed partial class FetchEngine
{
    private const long Latest = -1;
    private const long Earliest = -2;

    /// <summary>Starts a lookup for every partition whose position is unknown and not being looked up.</summary>
    public void LookUpPositions()
    {
        var committed = new List<(PartitionState State, int Version)>();
        var listed = new List<(PartitionState State, int Version, long Timestamp)>();
        var failed = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var state in _partitions.Values)
            {
                if (state.FetchPosition >= 0 || state.LookingUp || state.Failed || state.RetryAt > Scheduler.Now)
                {
                    continue;
                }

                if (state.Lookup == PositionLookup.Committed && Options.GroupId is not null)
                {
                    state.LookingUp = true;
                    committed.Add((state, state.Version));
                    continue;
                }

                var policy = state.Lookup switch
                {
                    PositionLookup.Earliest => AutoOffsetReset.Earliest,
                    PositionLookup.Latest => AutoOffsetReset.Latest,
                    _ => Options.AutoOffsetReset,
                };
                if (policy == AutoOffsetReset.None)
                {
                    Fail(state, new ConsumeException(new TopicPartitionOffset(state.Partition, -1), ErrorCode.OffsetOutOfRange, Options.GroupId is null
                        ? "the partition has no position (assigned without an offset, and no group.id to read a committed one) and auto.offset.reset is none"
                        : $"group '{Options.GroupId}' has no committed offset for it and auto.offset.reset is none"));
                    failed = true;
                    continue;
                }

                state.LookingUp = true;
                listed.Add((state, state.Version, policy == AutoOffsetReset.Earliest ? Earliest : Latest));
            }
        }

        if (failed)
        {
            Signal();
        }

        if (committed.Count > 0)
        {
            _ = FetchCommittedAsync(committed);
        }

        foreach (var byLeader in listed.GroupBy(p => Client.Snapshot.GetLeader(p.State.Partition.Topic, p.State.Partition.Partition) ?? -1))
        {
            _ = ListOffsetsAsync(byLeader.Key, byLeader.ToList());
        }
    }

    /// <summary>The group's committed offsets for <paramref name="partitions"/> (OffsetFetch at the group coordinator); -1 where none.</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, (long Offset, int LeaderEpoch, string? Metadata)>> FetchCommittedOffsetsAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken = default)
    {
        var group = Options.GroupId ?? throw new InvalidOperationException("Committed offsets belong to a consumer group: set group.id");
        var coordinator = await Client.FindCoordinatorAsync(CoordinatorType.Group, group, cancellationToken).ConfigureAwait(false);
        var byTopic = partitions.GroupBy(p => p.Topic).ToList();

        // One group by name before v8, a list of groups from v8; require_stable (v7+) waits out pending transactional commits.
        OffsetFetchRequest Build(short version) => version >= 8
            ? new OffsetFetchRequest
            {
                RequireStable = true,
                Groups = [new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = group, Topics = byTopic.Select(t => new OffsetFetchRequest.OffsetFetchRequestTopics { Name = t.Key, PartitionIndexes = t.Select(p => p.Partition).ToList() }).ToList() }],
            }
            : new OffsetFetchRequest
            {
                GroupId = group,
                RequireStable = version >= 7,
                Topics = byTopic.Select(t => new OffsetFetchRequest.OffsetFetchRequestTopic { Name = t.Key, PartitionIndexes = t.Select(p => p.Partition).ToList() }).ToList(),
            };

        OffsetFetchResponse response;
        try
        {
            response = await Client.SendVersionedAsync(coordinator.NodeId, ApiKey.OffsetFetch, Build, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException e) when (e.ErrorCode is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable)
        {
            Client.ForgetCoordinator(CoordinatorType.Group, group);
            throw;
        }

        var result = new Dictionary<TopicPartition, (long, int, string?)>();
        var groupError = (ErrorCode)response.ErrorCode;
        if (response.Groups.Count > 0)
        {
            var answered = response.Groups[0];
            groupError = (ErrorCode)answered.ErrorCode;
            foreach (var topic in answered.Topics)
            {
                foreach (var p in topic.Partitions)
                {
                    Check((ErrorCode)p.ErrorCode, topic.Name, p.PartitionIndex);
                    result[new TopicPartition(topic.Name, p.PartitionIndex)] = (p.CommittedOffset, p.CommittedLeaderEpoch, p.Metadata);
                }
            }
        }
        else
        {
            foreach (var topic in response.Topics)
            {
                foreach (var p in topic.Partitions)
                {
                    Check((ErrorCode)p.ErrorCode, topic.Name, p.PartitionIndex);
                    result[new TopicPartition(topic.Name, p.PartitionIndex)] = (p.CommittedOffset, p.CommittedLeaderEpoch, p.Metadata);
                }
            }
        }

        if (groupError != ErrorCode.None)
        {
            if (groupError is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable)
            {
                Client.ForgetCoordinator(CoordinatorType.Group, group);
            }

            throw KafkaErrors.ToException(groupError, $"OffsetFetch of group '{group}'");
        }

        return result;

        static void Check(ErrorCode error, string topic, int partition)
        {
            if (error != ErrorCode.None)
            {
                throw KafkaErrors.ToException(error, $"OffsetFetch of {topic}-{partition}");
            }
        }
    }

    /// <summary>The offsets ListOffsets gives at the partitions' leaders for each timestamp (-2 earliest, -1 latest, else the first record at or after it; -1 when none).</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, (long Offset, int LeaderEpoch)>> ListOffsetsAsync(IReadOnlyCollection<(TopicPartition Partition, long Timestamp)> partitions, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<TopicPartition, (long, int)>();
        var snapshot = Client.Snapshot;
        if (partitions.Any(p => snapshot.GetLeader(p.Partition.Topic, p.Partition.Partition) is null or < 0))
        {
            // A topic not in the metadata yet (a new client, a new topic): ask once before giving up on it.
            Client.AddTopics(partitions.Select(p => p.Partition.Topic).Distinct());
            snapshot = await Client.ForceMetadataUpdateAsync(cancellationToken).ConfigureAwait(false);
        }

        var byLeader = partitions.GroupBy(p => snapshot.GetLeader(p.Partition.Topic, p.Partition.Partition) ?? -1).ToList();
        var answers = await Task.WhenAll(byLeader.Select(async leader =>
        {
            if (leader.Key < 0)
            {
                throw new InvalidMetadataException(ErrorCode.LeaderNotAvailable, $"No leader known for {string.Join(", ", leader.Select(p => p.Partition))}");
            }

            ListOffsetsRequest Build(short version)
            {
                // isolation_level from v2, current_leader_epoch from v4: each only where the version has it.
                var request = new ListOffsetsRequest { ReplicaId = -1, IsolationLevel = version >= 2 ? (sbyte)Options.IsolationLevel : (sbyte)0 };
                foreach (var topic in leader.GroupBy(p => p.Partition.Topic))
                {
                    var t = new ListOffsetsRequest.ListOffsetsTopic { Name = topic.Key };
                    foreach (var (partition, timestamp) in topic)
                    {
                        t.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition
                        {
                            PartitionIndex = partition.Partition,
                            Timestamp = timestamp,
                            CurrentLeaderEpoch = version >= 4 ? snapshot.GetPartition(partition)?.LeaderEpoch ?? -1 : -1,
                            MaxNumOffsets = 1,
                        });
                    }

                    request.Topics.Add(t);
                }

                return request;
            }

            return await Client.SendVersionedAsync(leader.Key, ApiKey.ListOffsets, Build, cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        foreach (var response in answers)
        {
            foreach (var topic in response.Topics)
            {
                foreach (var p in topic.Partitions)
                {
                    var error = (ErrorCode)p.ErrorCode;
                    if (error != ErrorCode.None)
                    {
                        if (KafkaErrors.IsInvalidMetadata(error))
                        {
                            Client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
                        }

                        throw KafkaErrors.ToException(error, $"ListOffsets of {topic.Name}-{p.PartitionIndex}");
                    }

                    var offset = p.Offset >= 0 || p.OldStyleOffsets.Count == 0 ? p.Offset : p.OldStyleOffsets[0];
                    result[new TopicPartition(topic.Name, p.PartitionIndex)] = (offset, p.LeaderEpoch);
                }
            }
        }

        return result;
    }

    private async Task FetchCommittedAsync(List<(PartitionState State, int Version)> partitions)
    {
        try
        {
            var committed = await FetchCommittedOffsetsAsync(partitions.Select(p => p.State.Partition).ToList()).ConfigureAwait(false);
            lock (_gate)
            {
                foreach (var (state, version) in partitions)
                {
                    state.LookingUp = false;
                    if (state.Version != version || state.Revoked)
                    {
                        continue;
                    }

                    if (committed.TryGetValue(state.Partition, out var c) && c.Offset >= 0)
                    {
                        SetPosition(state, c.Offset, PositionLookup.Committed);
                        state.PositionEpoch = c.LeaderEpoch;
                    }
                    else
                    {
                        state.Lookup = PositionLookup.Reset;
                    }
                }
            }
        }
        catch (Exception e)
        {
            LookupFailed(partitions.Select(p => p.State), e, "committed offsets");
        }

        LookUpPositions();
        WakeAll();
    }

    private async Task ListOffsetsAsync(int leader, List<(PartitionState State, int Version, long Timestamp)> partitions)
    {
        try
        {
            var offsets = await ListOffsetsAsync(partitions.Select(p => (p.State.Partition, p.Timestamp)).ToList()).ConfigureAwait(false);
            lock (_gate)
            {
                foreach (var (state, version, _) in partitions)
                {
                    state.LookingUp = false;
                    if (state.Version == version && !state.Revoked && offsets.TryGetValue(state.Partition, out var found) && found.Offset >= 0)
                    {
                        SetPosition(state, found.Offset, state.Lookup);
                        state.PositionEpoch = found.LeaderEpoch;
                    }
                }
            }
        }
        catch (Exception e)
        {
            LookupFailed(partitions.Select(p => p.State), e, $"offsets from broker {leader}");
        }

        LookUpPositions();
        WakeAll();
    }

    // A lookup that failed is tried again after the backoff, unless the metadata says the partition cannot be read.
    private void LookupFailed(IEnumerable<PartitionState> states, Exception error, string what)
    {
        Logger?.LogDebug(error, "Looking up {What} failed", what);
        var snapshot = Client.Snapshot;
        var failed = false;
        lock (_gate)
        {
            foreach (var state in states)
            {
                state.LookingUp = false;
                if (snapshot.GetPartition(state.Partition) is null && Missing(snapshot, state) is { } missing)
                {
                    Fail(state, missing);
                    failed = true;
                }
                else if (error is AuthorizationException auth)
                {
                    Fail(state, new ConsumeException(new TopicPartitionOffset(state.Partition, -1), auth.ErrorCode, $"looking up {what} was refused: {auth.Message}", auth));
                    failed = true;
                }
                else
                {
                    state.RetryAt = Scheduler.Now + Client.Options.RetryBackoff;
                }
            }
        }

        if (failed)
        {
            Signal();
        }

        ScheduleWake(Client.Options.RetryBackoff);
    }
}
