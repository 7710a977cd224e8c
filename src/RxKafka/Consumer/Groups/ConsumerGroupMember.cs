using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Text.RegularExpressions;
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
internal sealed partial class ConsumerGroupMember : IGroupMember
{
    private const int LeaveEpoch = -1;
    private const int StaticLeaveEpoch = -2;

    private readonly FetchEngine _engine;
    private readonly ConsumerOptions _options;
    private readonly IReadOnlyList<string>? _topics;
    private readonly Regex? _pattern;
    private readonly Subject<RebalanceEvent> _events;
    private readonly Revocation _revocation;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _loop;
    private string _memberId = "";
    private int _epoch;
    private IReadOnlyList<TopicPartition> _owned = [];
    private bool _full = true;
    private bool _announced;

    // An assignment naming topic ids the metadata did not know yet: taken again before each heartbeat until it does.
    private ConsumerGroupHeartbeatResponse.AssignmentData? _unresolved;

    public ConsumerGroupMember(FetchEngine engine, OffsetCommitter committer, Subject<RebalanceEvent> events, IReadOnlyList<string>? topics, Regex? pattern)
    {
        _engine = engine;
        _options = engine.Options;
        _topics = topics;
        _pattern = pattern;
        _events = events;
        _revocation = new Revocation(engine, committer, events);
        if (topics is not null)
        {
            engine.Client.AddTopics(topics);
        }
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
            // -1 leaves; a static member's -2 keeps its place for its session, so a restart rebalances nothing.
            await LeaveAsync(_options.GroupInstanceId is null ? LeaveEpoch : StaticLeaveEpoch).ConfigureAwait(false);
        }
    }

    private async Task LoopAsync()
    {
        var interval = _options.HeartbeatInterval;
        while (!_stop.IsCancellationRequested)
        {
            if (_options.GroupInstanceId is null && _epoch > 0 && _engine.IsStuck(_options.MaxPollInterval))
            {
                // As in the classic protocol: a member whose application stopped taking records leaves, so its
                // partitions move on, and joins again (epoch 0, same member id) when the application reads again.
                _engine.Logger?.LogWarning("Group {Group}: the application held records longer than max.poll.interval.ms ({Interval}); leaving", Group, _options.MaxPollInterval);
                await LeaveAsync(LeaveEpoch).ConfigureAwait(false);
                await ResetAsync(lost: true, forgetId: false).ConfigureAwait(false);
                if (!await WhenReadingAsync().ConfigureAwait(false))
                {
                    return;
                }
            }

            try
            {
                if (_unresolved is { } waiting && Resolvable(waiting))
                {
                    // The metadata now names the topics of an assignment that came before it did.
                    await ReconcileAsync(waiting).ConfigureAwait(false);
                }

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
            catch (KafkaException e) when (e.IsRetriable || e is KafkaConnectionException || e.ErrorCode is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress)
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

            if (!await DelayAsync(interval).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Observable.Timer(delay, _engine.Scheduler).ToTask(_stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // After a max.poll.interval leave: wait, a heartbeat interval at a time, until the application reads again.
    private async Task<bool> WhenReadingAsync()
    {
        while (_engine.IsStuck(TimeSpan.Zero))
        {
            if (!await DelayAsync(_options.HeartbeatInterval).ConfigureAwait(false))
            {
                return false;
            }
        }

        return !_stop.IsCancellationRequested;
    }

    private async Task LeaveAsync(int epoch)
    {
        try
        {
            await HeartbeatAsync(epoch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            _engine.Logger?.LogDebug(e, "Group {Group}: leaving failed; the session timeout removes the member", Group);
        }
    }

    // The member's partitions are gone (fenced, unknown, or it left): it joins again at epoch 0.
    private async Task ResetAsync(bool lost, bool forgetId)
    {
        await _revocation.RunAsync(_owned, _epoch, lost, CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            (_owned, _epoch, _full, _announced, _unresolved) = ([], 0, true, false, null);
            if (forgetId)
            {
                _memberId = "";
            }
        }
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
                // KIP-848: the member's partitions are lost (no commit); it joins again at epoch 0 with the same
                // id when fenced, with a new one when the coordinator no longer knows it.
                _engine.Logger?.LogInformation("Group {Group}: {Error}; the member's partitions are lost and it joins again", Group, error);
                await ResetAsync(lost: true, forgetId: error == ErrorCode.UnknownMemberId).ConfigureAwait(false);
                return false;
            default:
                throw HeartbeatError(error, answer.ErrorMessage);
        }

        lock (_gate)
        {
            _memberId = string.IsNullOrEmpty(answer.MemberId) ? _memberId : answer.MemberId;
            _epoch = answer.MemberEpoch;
            _full = false;
        }

        _engine.Logger?.LogDebug("Group {Group}: member {MemberId} at epoch {Epoch}, assignment {Assignment}", Group, _memberId, answer.MemberEpoch, answer.Assignment is null ? "unchanged" : string.Join(", ", answer.Assignment.TopicPartitions.Select(t => $"{t.TopicId}:[{string.Join(",", t.Partitions)}]")));
        if (answer.Assignment is { } assignment)
        {
            await ReconcileAsync(assignment).ConfigureAwait(false);
        }

        return true;
    }

    private bool Resolvable(ConsumerGroupHeartbeatResponse.AssignmentData assignment)
    {
        var topics = _engine.Client.Snapshot.Topics.Values;
        return assignment.TopicPartitions.All(t => topics.Any(m => m.TopicId == t.TopicId));
    }

    // The broker's target assignment: revoke what left, take what came, and say so in the next (full) heartbeat.
    private async Task ReconcileAsync(ConsumerGroupHeartbeatResponse.AssignmentData assignment)
    {
        var client = _engine.Client;
        if (assignment.TopicPartitions.Any(t => !client.Snapshot.Topics.Values.Any(m => m.TopicId == t.TopicId)))
        {
            // A topic the metadata does not name yet (a regex match, a new topic): ask, then map ids to names.
            await client.ForceMetadataUpdateAsync(_stop.Token).ConfigureAwait(false);
        }

        var byId = client.Snapshot.Topics.Values.ToDictionary(t => t.TopicId, t => t.Name);
        var unknown = assignment.TopicPartitions.Where(t => !byId.ContainsKey(t.TopicId)).Select(t => t.TopicId).ToList();
        _unresolved = unknown.Count > 0 ? assignment : null;
        if (unknown.Count > 0)
        {
            _engine.Logger?.LogWarning("Group {Group}: assigned topic ids the metadata does not name: {Ids}; they are taken once it does", Group, string.Join(", ", unknown));
            client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
        }

        var target = assignment.TopicPartitions
            .Where(t => byId.ContainsKey(t.TopicId))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(byId[t.TopicId], p)))
            .ToList();
        var change = Assignment.AssignmentChange.Between(_owned, target);
        if (change.Revoked.Count == 0 && change.Assigned.Count == 0 && _announced)
        {
            // Kafka repeats the assignment in answer to every full heartbeat: the same one changes nothing, and
            // answering it with another full heartbeat would repeat it forever.
            return;
        }

        await _revocation.RunAsync(change.Revoked, _epoch, lost: false, _stop.Token).ConfigureAwait(false);
        if (change.Assigned.Count > 0)
        {
            _engine.Assign(change.Assigned.Select(p => (p, (long?)null)).ToList());
        }

        lock (_gate)
        {
            _owned = target;
            _full = true;
            _announced = true;
        }

        _events.OnNext(new PartitionsAssigned(change.Assigned, _epoch));
    }
}
