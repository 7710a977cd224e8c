using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Engine;

/// <summary>Who commits: the group generation and member, or none for a consumer that only assigns (a standalone commit).</summary>
internal readonly record struct GroupIdentity(int GenerationId, string MemberId, string? GroupInstanceId)
{
    public static GroupIdentity Standalone { get; } = new(-1, "", null);
}

/// <summary>
/// Commits offsets to the group coordinator (OffsetCommit, R9): what the application processed, per partition,
/// with the leader epoch it was read in, as the member of the current generation (or standalone without a
/// subscription). Commits are one at a time; a commit asked for while one is in flight waits for it.
/// </summary>
internal sealed class OffsetCommitter
{
    private readonly FetchEngine _engine;
    private readonly Func<GroupIdentity> _identity;
    // Commits go one at a time, each after the one before it. Not a SemaphoreSlim: its waiters resume on the
    // thread pool, which in virtual time lets a commit chain fall behind the clock; these signals resume inline
    // there (and on the pool in real time, as FetchEngine.NewSignal decides).
    private Task _previous = Task.CompletedTask;
    private readonly Dictionary<TopicPartition, long> _committed = new();

    public OffsetCommitter(FetchEngine engine, Func<GroupIdentity> identity)
    {
        _engine = engine;
        _identity = identity;
    }

    /// <summary>The processed offsets of <paramref name="states"/> not committed yet.</summary>
    public List<TopicPartitionOffset> Pending(IEnumerable<PartitionState> states)
    {
        var pending = new List<TopicPartitionOffset>();
        lock (_committed)
        {
            foreach (var state in states)
            {
                var processed = Volatile.Read(ref state.Processed);
                if (processed > 0 && (!_committed.TryGetValue(state.Partition, out var done) || done != processed))
                {
                    pending.Add(new TopicPartitionOffset(state.Partition, processed));
                }
            }
        }

        return pending;
    }

    /// <summary>Commits <paramref name="offsets"/> (each the next offset to read).</summary>
    /// <exception cref="CommitFailedException">The group moved on or the coordinator refused; names the partitions.</exception>
    public async Task CommitAsync(IReadOnlyList<TopicPartitionOffset> offsets, CancellationToken cancellationToken)
    {
        if (offsets.Count == 0)
        {
            return;
        }

        var client = _engine.Client;
        var group = _engine.Options.GroupId ?? throw new InvalidOperationException("Offsets are committed to a consumer group: set group.id");
        var done = FetchEngine.NewSignal(_engine.Scheduler);
        var previous = Interlocked.Exchange(ref _previous, done.Task);
        await previous.ConfigureAwait(false);
        try
        {
            var identity = _identity();
            OffsetCommitRequest Build(short version)
            {
                // generation and member from v1, group.instance.id from v7, leader epochs from v6.
                var request = new OffsetCommitRequest
                {
                    GroupId = group,
                    GenerationIdOrMemberEpoch = version >= 1 ? identity.GenerationId : -1,
                    MemberId = version >= 1 ? identity.MemberId : "",
                    GroupInstanceId = version >= 7 ? identity.GroupInstanceId : null,
                    RetentionTimeMs = -1,
                };
                foreach (var topic in offsets.GroupBy(o => o.Topic))
                {
                    var t = new OffsetCommitRequest.OffsetCommitRequestTopic { Name = topic.Key };
                    foreach (var offset in topic)
                    {
                        t.Partitions.Add(new OffsetCommitRequest.OffsetCommitRequestPartition
                        {
                            PartitionIndex = offset.Partition,
                            CommittedOffset = offset.Offset,
                            CommittedLeaderEpoch = version >= 6 ? _engine.Find(offset.TopicPartition)?.PositionEpoch ?? -1 : -1,
                            CommittedMetadata = "",
                        });
                    }

                    request.Topics.Add(t);
                }

                return request;
            }

            var coordinator = await client.FindCoordinatorAsync(CoordinatorType.Group, group, cancellationToken).ConfigureAwait(false);
            OffsetCommitResponse response;
            try
            {
                response = await client.SendVersionedAsync(coordinator.NodeId, ApiKey.OffsetCommit, Build, cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e) when (e.ErrorCode is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable)
            {
                client.ForgetCoordinator(CoordinatorType.Group, group);
                throw;
            }

            var failed = new List<(TopicPartition Partition, ErrorCode Error)>();
            lock (_committed)
            {
                foreach (var topic in response.Topics)
                {
                    foreach (var p in topic.Partitions)
                    {
                        var partition = new TopicPartition(topic.Name, p.PartitionIndex);
                        if (p.ErrorCode == 0)
                        {
                            _committed[partition] = offsets.First(o => o.TopicPartition == partition).Offset;
                        }
                        else
                        {
                            failed.Add((partition, (ErrorCode)p.ErrorCode));
                        }
                    }
                }
            }

            if (failed.Count > 0)
            {
                var error = failed[0].Error;
                if (error is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable)
                {
                    client.ForgetCoordinator(CoordinatorType.Group, group);
                }

                _engine.Logger?.LogWarning("Commit of group {Group} failed for {Partitions}: {Error}", group, string.Join(", ", failed.Select(f => f.Partition)), error);
                throw new CommitFailedException(error, $"Commit of group '{group}' (generation {identity.GenerationId}, member '{identity.MemberId}') failed with {KafkaErrors.Describe(error).Name} for {string.Join(", ", failed.Select(f => f.Partition))}", failed.Select(f => f.Partition).ToList());
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>What was last committed for <paramref name="partition"/> by this consumer, if anything.</summary>
    public long? LastCommitted(TopicPartition partition)
    {
        lock (_committed)
        {
            return _committed.TryGetValue(partition, out var offset) ? offset : null;
        }
    }
}
