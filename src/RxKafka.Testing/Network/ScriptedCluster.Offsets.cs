using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// OffsetCommit and OffsetFetch at any version 0-9: the offsets groups commit, kept by each group's coordinator
// as Kafka's group coordinator keeps them in __consumer_offsets. Commits are checked against the group's
// generation and members (CheckCommitter; membership is in ScriptedCluster.Groups.cs), or for a KIP-848 group
// against the member's epoch (v9+ fetches too).
public sealed partial class ScriptedCluster
{
    /// <summary>Kafka's default <c>offset.metadata.max.bytes</c>: the longest metadata string a commit may carry.</summary>
    public const int DefaultOffsetMetadataMaxBytes = 4096;

    // Per group, per (topic, partition), ordinal order, so that a fetch of everything is deterministic.
    private readonly Dictionary<string, SortedDictionary<(string Topic, int Partition), ScriptedCommittedOffset>> _offsets = new(StringComparer.Ordinal);
    private int _offsetMetadataMaxBytes = DefaultOffsetMetadataMaxBytes;

    /// <summary>
    /// The longest metadata string OffsetCommit accepts (Kafka's <c>offset.metadata.max.bytes</c>, counted in
    /// UTF-16 code units as Kafka counts a Java string's length); a longer one is OFFSET_METADATA_TOO_LARGE.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int OffsetMetadataMaxBytes
    {
        get => _offsetMetadataMaxBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _offsetMetadataMaxBytes = value;
        }
    }

    /// <summary>The offset <paramref name="group"/> committed for a partition, or null if it committed none.</summary>
    /// <param name="group">The group id.</param>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    public ScriptedCommittedOffset? CommittedOffset(string group, string topic, int partition)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(topic);
        lock (_gate)
        {
            return _offsets.TryGetValue(group, out var offsets) && offsets.TryGetValue((topic, partition), out var committed) ? committed : null;
        }
    }

    // A deleted topic's committed offsets go with it, as Kafka's coordinator drops them (onPartitionsDeleted).
    private void ForgetCommittedOffsetsLocked(string topic)
    {
        foreach (var offsets in _offsets.Values)
        {
            foreach (var key in offsets.Keys.Where(k => k.Topic == topic).ToList())
            {
                offsets.Remove(key);
            }
        }
    }

    private OffsetCommitResponse AnswerOffsetCommit(int nodeId, OffsetCommitRequest request, short version, DateTimeOffset now)
    {
        lock (_gate)
        {
            // Kafka's order: the topics first (authorization, existence), then the group: its id, its coordinator,
            // the committer; then each partition's metadata size.
            var groupError = GroupRequestError(nodeId, request.GroupId);
            if (groupError == ErrorCode.None)
            {
                groupError = CheckCommitter(request, version);
            }

            return new OffsetCommitResponse
            {
                Topics = request.Topics.Select(t => new OffsetCommitResponse.OffsetCommitResponseTopic
                {
                    Name = t.Name,
                    Partitions = t.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition
                    {
                        PartitionIndex = p.PartitionIndex,
                        ErrorCode = (short)Commit(request.GroupId, t.Name, p, groupError, version, now),
                    }).ToList(),
                }).ToList(),
            };
        }
    }

    // Who may commit, as Kafka's group coordinator decides it. A standalone commit (generation -1, no member: a
    // consumer with a manual assignment, or the admin client) is accepted while the group is empty and creates
    // it if need be. Anything naming a generation, a member or an instance must be a member of the current
    // generation (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID for a replaced static member, ILLEGAL_GENERATION), and
    // not while the group waits for its assignment (REBALANCE_IN_PROGRESS). A generation for a group that does
    // not exist is ILLEGAL_GENERATION, GROUP_ID_NOT_FOUND from v9.
    private ErrorCode CheckCommitter(OffsetCommitRequest request, short version)
    {
        var generation = version >= 1 ? request.GenerationIdOrMemberEpoch : -1;
        var memberId = version >= 1 ? request.MemberId : "";
        var instanceId = version >= 7 ? request.GroupInstanceId : null;
        if (_consumerGroups.TryGetValue(request.GroupId, out var consumerGroup))
        {
            return CheckConsumerGroupCommitter(consumerGroup, memberId, generation, version);
        }

        if (!_groups.TryGetValue(request.GroupId, out var group))
        {
            if (generation >= 0)
            {
                return version >= 9 ? ErrorCode.GroupIdNotFound : ErrorCode.IllegalGeneration;
            }

            _groups[request.GroupId] = new ScriptedClassicGroup(request.GroupId);
            return ErrorCode.None;
        }

        if (generation < 0 && group.State == ScriptedGroupState.Empty)
        {
            return ErrorCode.None;
        }

        if (generation >= 0 || memberId.Length > 0 || instanceId is not null)
        {
            var error = ValidateMember(group, memberId, instanceId);
            if (error != ErrorCode.None)
            {
                return error;
            }

            if (generation != group.GenerationId)
            {
                return ErrorCode.IllegalGeneration;
            }
        }
        else if (group.State != ScriptedGroupState.Empty)
        {
            return ErrorCode.UnknownMemberId;
        }

        return group.State == ScriptedGroupState.CompletingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
    }

    // A KIP-848 group (Kafka's ConsumerGroup.validateOffsetCommit): a standalone commit while it has no members, else
    // a member's, at v9+ (UNSUPPORTED_VERSION before), carrying exactly its current member epoch (STALE_MEMBER_EPOCH).
    private static ErrorCode CheckConsumerGroupCommitter(ScriptedConsumerGroup group, string memberId, int memberEpoch, short version)
    {
        if (memberEpoch < 0 && group.Members.Count == 0)
        {
            return ErrorCode.None;
        }

        var member = group.Member(memberId);
        return member is null ? ErrorCode.UnknownMemberId
            : version < 9 ? ErrorCode.UnsupportedVersion
            : memberEpoch != member.MemberEpoch ? ErrorCode.StaleMemberEpoch
            : ErrorCode.None;
    }

    private ErrorCode Commit(string group, string topicName, OffsetCommitRequest.OffsetCommitRequestPartition wanted, ErrorCode groupError, short version, DateTimeOffset now)
    {
        var error = CheckPartitionCommit(topicName, wanted.PartitionIndex, groupError, wanted.CommittedMetadata);
        if (error != ErrorCode.None)
        {
            return error;
        }

        // v1 may name the commit time; -1 (and every other version) is the coordinator's now.
        var committedAt = version == 1 && wanted.CommitTimestamp != -1 ? DateTimeOffset.FromUnixTimeMilliseconds(wanted.CommitTimestamp) : now;
        var offsets = _offsets.TryGetValue(group, out var held) ? held : _offsets[group] = new();
        offsets[(topicName, wanted.PartitionIndex)] = new ScriptedCommittedOffset(
            wanted.CommittedOffset,
            version >= 6 ? wanted.CommittedLeaderEpoch : -1,
            wanted.CommittedMetadata ?? "",
            committedAt);
        return ErrorCode.None;
    }

    private OffsetFetchResponse AnswerOffsetFetch(int nodeId, OffsetFetchRequest request, short version)
    {
        lock (_gate)
        {
            if (version >= 8)
            {
                return new OffsetFetchResponse
                {
                    Groups = request.Groups.Select(g =>
                    {
                        var wanted = g.Topics?.Select(t => (t.Name, Partitions: (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
                        var error = FetchGroupError(nodeId, g.GroupId);
                        if (error == ErrorCode.None && version >= 9 && _consumerGroups.TryGetValue(g.GroupId, out var consumerGroup))
                        {
                            error = CheckConsumerGroupFetcher(consumerGroup, g.MemberId, g.MemberEpoch);
                        }

                        return new OffsetFetchResponse.OffsetFetchResponseGroup
                        {
                            GroupId = g.GroupId,
                            ErrorCode = (short)error,
                            Topics = error != ErrorCode.None ? [] : Stable(g.GroupId, Fetched(g.GroupId, wanted), request.RequireStable)
                                .Select(t => new OffsetFetchResponse.OffsetFetchResponseTopics
                                {
                                    Name = t.Topic,
                                    Partitions = t.Partitions.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartitions
                                    {
                                        PartitionIndex = p.Partition,
                                        CommittedOffset = p.Offset,
                                        CommittedLeaderEpoch = p.LeaderEpoch,
                                        Metadata = p.Metadata,
                                        ErrorCode = (short)p.Error,
                                    }).ToList(),
                                }).ToList(),
                        };
                    }).ToList(),
                };
            }

            // v0-v1 carry a group error in every partition asked for; v2-v7 in the response's own error code.
            var topics = request.Topics?.Select(t => (t.Name, Partitions: (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
            var groupError = FetchGroupError(nodeId, request.GroupId);
            if (groupError != ErrorCode.None && version >= 2)
            {
                return new OffsetFetchResponse { ErrorCode = (short)groupError };
            }

            var fetched = groupError == ErrorCode.None
                ? Stable(request.GroupId, Fetched(request.GroupId, topics), version >= 7 && request.RequireStable)
                : (topics ?? []).Select(t => (Topic: t.Name, Partitions: t.Partitions.Select(p => Uncommitted(p, groupError)).ToList())).ToList();
            return new OffsetFetchResponse
            {
                Topics = fetched.Select(t => new OffsetFetchResponse.OffsetFetchResponseTopic
                {
                    Name = t.Topic,
                    Partitions = t.Partitions.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition
                    {
                        PartitionIndex = p.Partition,
                        CommittedOffset = p.Offset,
                        CommittedLeaderEpoch = version >= 5 ? p.LeaderEpoch : -1,
                        Metadata = p.Metadata,
                        ErrorCode = (short)p.Error,
                    }).ToList(),
                }).ToList(),
            };
        }
    }

    // Kafka's group checks for a fetch: the id, then the coordinator. require_stable (v7+) is answered in
    // ScriptedCluster.TxnOffsetCommit.cs (Stable). v9's member id and epoch (KIP-848) are not checked for
    // classic groups, as Kafka does not check them.
    private ErrorCode FetchGroupError(int nodeId, string group) => GroupRequestError(nodeId, group);

    // v9 from a KIP-848 member (Kafka's ConsumerGroup.validateOffsetFetch): no member id and epoch -1 is anyone (the
    // admin client); else a member of the group at its current epoch.
    private static ErrorCode CheckConsumerGroupFetcher(ScriptedConsumerGroup group, string? memberId, int memberEpoch)
    {
        if (memberId is null && memberEpoch < 0)
        {
            return ErrorCode.None;
        }

        var member = memberId is null ? null : group.Member(memberId);
        return member is null ? ErrorCode.UnknownMemberId
            : memberEpoch != member.MemberEpoch ? ErrorCode.StaleMemberEpoch
            : ErrorCode.None;
    }

    // The committed offsets asked for (null: every partition the group committed, in ordinal order); a partition
    // with none, of a topic or group that does not exist too, is offset -1 with no error, as Kafka answers it.
    private List<(string Topic, List<FetchedOffset> Partitions)> Fetched(string group, List<(string Name, IReadOnlyList<int> Partitions)>? wanted)
    {
        _offsets.TryGetValue(group, out var offsets);
        if (wanted is null)
        {
            return (offsets ?? new()).GroupBy(o => o.Key.Topic, StringComparer.Ordinal)
                .Select(t => (t.Key, t.Select(o => Held(o.Key.Partition, o.Value)).ToList()))
                .ToList();
        }

        return wanted.Select(t => (t.Name, t.Partitions.Select(p =>
            _topicErrors.TryGetValue(t.Name, out var topicError) ? Uncommitted(p, topicError)
            : offsets is not null && offsets.TryGetValue((t.Name, p), out var committed) ? Held(p, committed)
            : Uncommitted(p, ErrorCode.None)).ToList())).ToList();
    }

    private static FetchedOffset Held(int partition, ScriptedCommittedOffset committed) =>
        new(partition, committed.Offset, committed.LeaderEpoch, committed.Metadata, ErrorCode.None);

    private static FetchedOffset Uncommitted(int partition, ErrorCode error) => new(partition, -1, -1, "", error);

    private static OffsetCommitResponse OffsetCommitError(OffsetCommitRequest request, ErrorCode error) => new()
    {
        Topics = request.Topics.Select(t => new OffsetCommitResponse.OffsetCommitResponseTopic
        {
            Name = t.Name,
            Partitions = t.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error }).ToList(),
        }).ToList(),
    };

    // The group's error, where the version has one: every group (v8+), the response (v2-v7), every partition (v0-v1).
    private static OffsetFetchResponse OffsetFetchError(OffsetFetchRequest request, short version, ErrorCode error) => version switch
    {
        >= 8 => new OffsetFetchResponse { Groups = request.Groups.Select(g => new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = g.GroupId, ErrorCode = (short)error }).ToList() },
        >= 2 => new OffsetFetchResponse { ErrorCode = (short)error },
        _ => new OffsetFetchResponse
        {
            Topics = (request.Topics ?? []).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopic
            {
                Name = t.Name,
                Partitions = t.PartitionIndexes.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition { PartitionIndex = p, CommittedOffset = -1, Metadata = "", ErrorCode = (short)error }).ToList(),
            }).ToList(),
        },
    };

    private readonly record struct FetchedOffset(int Partition, long Offset, int LeaderEpoch, string Metadata, ErrorCode Error);
}
