using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Consumer.Engine;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Groups;

/// <summary>
/// A member of a KIP-848 consumer group (<c>group.protocol=consumer</c>, R7): one ConsumerGroupHeartbeat loop
/// on the scheduler. The broker assigns; the member reconciles (revokes what left, with commit on revoke, then
/// takes what came) and reports what it owns in its next heartbeat. A full heartbeat (subscription, owned
/// partitions) goes when something changed, a light one (id and epoch) otherwise.
/// </summary>
internal sealed class ConsumerGroupMember : IGroupMember
{
    private const int LeaveEpoch = -1;
    private const int StaticLeaveEpoch = -2;

    private readonly FetchEngine _engine;
    private readonly ConsumerOptions _options;
    private readonly IReadOnlyList<string> _topics;
    private readonly Subject<RebalanceEvent> _events;
    private readonly Revocation _revocation;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _loop;
    private string _memberId = "";
    private int _epoch;
    private IReadOnlyList<TopicPartition> _owned = [];
    private bool _full = true;

    public ConsumerGroupMember(FetchEngine engine, OffsetCommitter committer, Subject<RebalanceEvent> events, IReadOnlyList<string> topics)
    {
        _engine = engine;
        _options = engine.Options;
        _topics = topics;
        _events = events;
        _revocation = new Revocation(engine, committer, events);
        engine.Client.AddTopics(topics);
    }

    private string Group => _options.GroupId!;

    public GroupIdentity Identity
    {
        get
        {
            lock (_gate)
            {
                return new GroupIdentity(_epoch, _memberId, _options.GroupInstanceId);
            }
        }
    }

    public void Start() => _loop = LoopAsync();

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        try
        {
            await (_loop ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _revocation.RunAsync(_owned, _epoch, lost: false, CancellationToken.None).ConfigureAwait(false);
        if (_memberId.Length > 0 && _epoch > 0)
        {
            try
            {
                // -1 leaves; a static member's -2 keeps its place for its session, so a restart rebalances nothing.
                await HeartbeatAsync(_options.GroupInstanceId is null ? LeaveEpoch : StaticLeaveEpoch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                _engine.Logger?.LogDebug(e, "Group {Group}: leaving failed; the session timeout removes the member", Group);
            }
        }
    }

    private async Task LoopAsync()
    {
        var interval = _options.HeartbeatInterval;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var answer = await HeartbeatAsync(null, _stop.Token).ConfigureAwait(false);
                interval = answer.HeartbeatIntervalMs > 0 ? TimeSpan.FromMilliseconds(answer.HeartbeatIntervalMs) : interval;
                if (!await HandleAsync(answer).ConfigureAwait(false))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (KafkaException e) when (e.IsRetriable || e.ErrorCode is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress || KafkaErrors.IsRetriable(e.ErrorCode) || e is KafkaConnectionException)
            {
                _engine.Logger?.LogDebug(e, "Group {Group}: heartbeat failed; trying again", Group);
                _engine.Client.ForgetCoordinator(CoordinatorType.Group, Group);
                interval = _engine.Client.Options.RetryBackoff;
            }
            catch (Exception e) when (e is KafkaException or InvalidOperationException)
            {
                _engine.Logger?.LogError(e, "Group {Group}: the member stops", Group);
                _engine.SetFatal(e);
                return;
            }

            try
            {
                await Observable.Timer(interval, _engine.Scheduler).ToTask(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<ConsumerGroupHeartbeatResponse> HeartbeatAsync(int? leaving, CancellationToken cancellationToken)
    {
        var client = _engine.Client;
        var coordinator = await client.FindCoordinatorAsync(CoordinatorType.Group, Group, cancellationToken).ConfigureAwait(false);
        string memberId;
        int epoch;
        bool full;
        IReadOnlyList<TopicPartition> owned;
        lock (_gate)
        {
            (memberId, epoch, full, owned) = (_memberId, leaving ?? _epoch, _full || _epoch == 0, _owned);
        }

        var snapshot = client.Snapshot;
        _engine.Logger?.LogDebug("Group {Group}: heartbeat to coordinator {Node} as {MemberId} epoch {Epoch} full {Full}", Group, coordinator.NodeId, memberId, epoch, full);
        return await client.SendVersionedAsync(coordinator.NodeId, ApiKey.ConsumerGroupHeartbeat, version =>
        {
            if (version >= 1 && memberId.Length == 0)
            {
                // From v1 the member names itself (KIP-1082).
                lock (_gate)
                {
                    _memberId = memberId = Guid.NewGuid().ToString();
                }
            }

            var request = new ConsumerGroupHeartbeatRequest { GroupId = Group, MemberId = memberId, MemberEpoch = epoch };
            if (full && leaving is null)
            {
                request.InstanceId = _options.GroupInstanceId;
                request.RackId = _options.ClientRack.Length > 0 ? _options.ClientRack : null;
                request.RebalanceTimeoutMs = (int)_options.MaxPollInterval.TotalMilliseconds;
                request.SubscribedTopicNames = [.. _topics];

                // Names and no pattern: KIP-848 reads an empty regex as "none" (null would mean "unchanged").
                request.SubscribedTopicRegex = "";
                request.TopicPartitions = owned.GroupBy(p => p.Topic)
                    .Where(t => snapshot.Topics.ContainsKey(t.Key))
                    .Select(t => new ConsumerGroupHeartbeatRequest.TopicPartitionsData { TopicId = snapshot.Topics[t.Key].TopicId, Partitions = t.Select(p => p.Partition).ToList() })
                    .ToList();
            }

            return request;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies an answer; false when the next heartbeat should go at once (a fresh start after being fenced).</summary>
    private async Task<bool> HandleAsync(ConsumerGroupHeartbeatResponse answer)
    {
        var error = (ErrorCode)answer.ErrorCode;
        switch (error)
        {
            case ErrorCode.None:
                break;
            case ErrorCode.FencedMemberEpoch or ErrorCode.UnknownMemberId:
                // KIP-848: the member's partitions are lost; it joins again at epoch 0 with the same id.
                await _revocation.RunAsync(_owned, _epoch, lost: true, CancellationToken.None).ConfigureAwait(false);
                lock (_gate)
                {
                    (_owned, _epoch, _full) = ([], 0, true);
                    if (error == ErrorCode.UnknownMemberId)
                    {
                        _memberId = "";
                    }
                }

                return false;
            case ErrorCode.UnsupportedVersion:
                throw new InvalidOperationException($"The group coordinator of '{Group}' does not offer KIP-848 consumer groups (ConsumerGroupHeartbeat): use group.protocol=classic");
            default:
                throw KafkaErrors.ToException(error, $"ConsumerGroupHeartbeat of group '{Group}': {answer.ErrorMessage}");
        }

        lock (_gate)
        {
            _memberId = answer.MemberId ?? _memberId;
            _epoch = answer.MemberEpoch;
            _full = false;
        }

        _engine.Logger?.LogDebug("Group {Group}: heartbeat answered: member {MemberId} epoch {Epoch}, assignment {Assignment}", Group, answer.MemberId, answer.MemberEpoch, answer.Assignment is null ? "unchanged" : string.Join(", ", answer.Assignment.TopicPartitions.Select(t => $"{t.TopicId}:[{string.Join(",", t.Partitions)}]")));
        if (answer.Assignment is { } assignment)
        {
            await ReconcileAsync(assignment).ConfigureAwait(false);
        }

        return true;
    }

    // The broker's target assignment: revoke what left, take what came, and say so in the next (full) heartbeat.
    private async Task ReconcileAsync(ConsumerGroupHeartbeatResponse.AssignmentData assignment)
    {
        var client = _engine.Client;
        if (assignment.TopicPartitions.Any(t => !client.Snapshot.Topics.Values.Any(m => m.TopicId == t.TopicId)))
        {
            await client.ForceMetadataUpdateAsync(_stop.Token).ConfigureAwait(false);
        }

        var byId = client.Snapshot.Topics.Values.ToDictionary(t => t.TopicId, t => t.Name);
        var target = assignment.TopicPartitions
            .Where(t => byId.ContainsKey(t.TopicId))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(byId[t.TopicId], p)))
            .ToList();
        var change = Assignment.AssignmentChange.Between(_owned, target);
        await _revocation.RunAsync(change.Revoked, _epoch, lost: false, _stop.Token).ConfigureAwait(false);
        if (change.Assigned.Count > 0)
        {
            _engine.Assign(change.Assigned.Select(p => (p, (long?)null)).ToList());
        }

        lock (_gate)
        {
            _owned = target;
            _full = true;
        }

        _events.OnNext(new PartitionsAssigned(change.Assigned, _epoch));
    }
}
