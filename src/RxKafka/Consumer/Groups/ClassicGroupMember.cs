using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Consumer.Assignment;
using RxKafka.Consumer.Engine;

namespace RxKafka.Consumer.Groups;

/// <summary>
/// A member of a classic consumer group (R5): finds the coordinator, joins and syncs (running the assignor
/// when it leads), heartbeats on the scheduler, rejoins when the group rebalances or its subscription
/// changes, and hands its partitions to the fetch engine: eagerly (everything revoked before each join) or
/// cooperatively (KIP-429: only what moves is revoked, then a second join gives it to its new owner). Static
/// membership (KIP-345) is the coordinator's side: the member only sends its <c>group.instance.id</c>, and
/// does not leave the group on close, so a restart within the session timeout rebalances nothing (R6).
/// </summary>
/// <remarks>
/// Two loops, both async on the client's scheduler: the join loop (join, sync, apply the assignment, then wait
/// for a reason to rejoin) and the heartbeat loop (every <c>heartbeat.interval.ms</c> while the member is
/// stable). Neither runs on a read loop; rebalance observers run on the join loop.
/// </remarks>
internal sealed partial class ClassicGroupMember : IGroupMember
{
    private const string ProtocolType = "consumer";

    private readonly FetchEngine _engine;
    private readonly ConsumerOptions _options;
    private readonly AssignmentStrategies _strategies;
    private readonly Revocation _revocation;
    private readonly Subject<RebalanceEvent> _events;
    private readonly IReadOnlyList<string>? _topics;
    private readonly Regex? _pattern;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly IDisposable _snapshots;
    private TaskCompletionSource _wake;
    private Task? _joinLoop;
    private Task? _heartbeatLoop;
    private string _memberId = "";
    private int _generation = -1;
    private string? _protocol;
    private bool _stable;
    private bool _rejoin = true;
    private IReadOnlyList<TopicPartition> _owned = [];
    private IReadOnlySet<string> _subscribed = new HashSet<string>();
    private Dictionary<string, int> _partitionCounts = new();
    private Exception? _fatal;

    public ClassicGroupMember(FetchEngine engine, OffsetCommitter committer, Subject<RebalanceEvent> events, IReadOnlyList<string>? topics, Regex? pattern)
    {
        _engine = engine;
        _options = engine.Options;
        _strategies = AssignmentStrategies.Parse(_options.PartitionAssignmentStrategy);
        _events = events;
        _revocation = new Revocation(engine, committer, events);
        _topics = topics;
        _pattern = pattern;
        _wake = FetchEngine.NewSignal(engine.Scheduler);
        if (topics is not null)
        {
            engine.Client.AddTopics(topics);
        }

        // A pattern's matches, or a subscribed topic's partition count, change with the metadata: rejoin then.
        _snapshots = engine.Client.Cluster.Snapshots.Subscribe(OnSnapshot);
    }

    private Logging Log => new(_engine.Logger);

    private string Group => _options.GroupId!;

    /// <summary>The identity commits are made with: the current generation and member while stable.</summary>
    public GroupIdentity Identity
    {
        get
        {
            lock (_gate)
            {
                return new GroupIdentity(_generation, _memberId, _options.GroupInstanceId);
            }
        }
    }

    /// <summary>The error that ended membership for good (fenced, not authorized), or null.</summary>
    public Exception? Fatal => Volatile.Read(ref _fatal);

    public void Start()
    {
        _joinLoop = JoinLoopAsync();
        _heartbeatLoop = HeartbeatLoopAsync();
    }

    /// <summary>Commits what was processed (auto-commit), then leaves the group unless the member is static.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _snapshots.Dispose();
        Wake();
        try
        {
            await Task.WhenAll(_joinLoop ?? Task.CompletedTask, _heartbeatLoop ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await RevokeAsync(_owned, lost: false, CancellationToken.None).ConfigureAwait(false);
        if (_options.GroupInstanceId is null && _memberId.Length > 0)
        {
            await LeaveAsync("the consumer is closing").ConfigureAwait(false);
        }
    }

    /// <summary>Rejoins at the next turn of the join loop.</summary>
    public void RequestRejoin(string why)
    {
        lock (_gate)
        {
            if (_rejoin)
            {
                return;
            }

            _rejoin = true;
            _stable = false;
        }

        Log.Rejoin(Group, why);
        Wake();
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return $"group {Group} member '{_memberId}' generation {_generation} protocol {_protocol ?? "none"} {(_stable ? "stable" : "joining")} owning [{string.Join(", ", _owned)}]";
        }
    }

    private void Wake()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            wake = _wake;
            _wake = FetchEngine.NewSignal(_engine.Scheduler);
        }

        wake.TrySetResult();
    }

    private Task WokenAsync()
    {
        lock (_gate)
        {
            return _rejoin || _stop.IsCancellationRequested ? Task.CompletedTask : _wake.Task;
        }
    }

    private Task DelayAsync(TimeSpan delay) =>
        Observable.Timer(delay, _engine.Scheduler).ToTask(_stop.Token);

    private IReadOnlySet<string> SubscribedTopics(ClusterSnapshot snapshot) =>
        _pattern is null
            ? _topics!.ToHashSet()
            : snapshot.Topics.Values.Where(t => !t.IsInternal && _pattern.IsMatch(t.Name)).Select(t => t.Name).ToHashSet();

    private void OnSnapshot(ClusterSnapshot snapshot)
    {
        var now = SubscribedTopics(snapshot);
        bool topicsChanged;
        string? grown = null;
        lock (_gate)
        {
            topicsChanged = _pattern is not null && !now.SetEquals(_subscribed);
            foreach (var (topic, count) in _partitionCounts)
            {
                if (snapshot.Topics.TryGetValue(topic, out var metadata) && metadata.Partitions.Length != count)
                {
                    grown = $"topic '{topic}' now has {metadata.Partitions.Length} partitions, not {count}";
                }
            }
        }

        if (topicsChanged)
        {
            RequestRejoin($"the pattern now matches [{string.Join(", ", now.Order(StringComparer.Ordinal))}]");
        }
        else if (grown is not null)
        {
            // Kafka's members rejoin when a subscribed topic's partition count changes, so the new partitions are assigned.
            RequestRejoin(grown);
        }
    }

    private void SetFatal(Exception error)
    {
        Volatile.Write(ref _fatal, error);
        _engine.SetFatal(error);
        _stop.Cancel();
        Wake();
    }

    private readonly struct Logging(ILogger? logger)
    {
        public void Rejoin(string group, string why) => logger?.LogInformation("Group {Group}: rejoining because {Why}", group, why);

        public void Joined(string group, int generation, string memberId, bool leader, string? protocol) =>
            logger?.LogInformation("Group {Group}: joined generation {Generation} as {MemberId}{Leader} with {Protocol}", group, generation, memberId, leader ? " (leader)" : "", protocol);

        public void Error(string group, string what, Exception e) => logger?.LogWarning(e, "Group {Group}: {What} failed", group, what);
    }
}
