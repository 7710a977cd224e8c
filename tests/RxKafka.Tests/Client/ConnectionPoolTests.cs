// Virtual time: each Get is observed with Subscribe and completed by advancing the TestScheduler, so
// nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Reactive;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Client;

/// <summary>
/// The connection pool on its own, over a scripted cluster in virtual time: one connection per
/// (node, group), shared attempts, closed connections leaving, the reconnect backoff, the closed
/// callback and disposal.
/// </summary>
public sealed class ConnectionPoolTests : ReactiveTest, IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly BackoffOptions Reconnect = new() { Base = TimeSpan.FromMilliseconds(100), Max = TimeSpan.FromSeconds(1), JitterFactor = 0 };
    private readonly TestScheduler _scheduler = new();
    private readonly ScriptedCluster _cluster;
    private readonly CountingTransports _transports;
    private readonly List<(BrokerNode Node, ConnectionGroup Group, ConnectionState State, TimeSpan At)> _closed = new();
    private readonly ConnectionPool _pool;

    public ConnectionPoolTests()
    {
        _cluster = new ScriptedCluster(_scheduler, brokers: 2);
        _transports = new CountingTransports(_cluster);
        _pool = NewPool(new ConnectionOptions { Scheduler = _scheduler });
    }

    private static BrokerNode Node(int id) => new(id, $"broker-{id}", 9092);

    private ConnectionPool NewPool(ConnectionOptions options) =>
        new(_transports, options, Reconnect, new Random(1), logger: null, (node, group, state) => _closed.Add((node, group, state, _scheduler.Elapsed())));

    private int ApiVersionsRequests(int nodeId) => _cluster.Broker(nodeId).Requests.Count(r => r.ApiKey == ApiKey.ApiVersions);

    /// <summary>Subscribes to <see cref="ConnectionPool.Get"/> and records what it gives, and when.</summary>
    private Outcome Get(int nodeId, ConnectionGroup group = ConnectionGroup.Default)
    {
        var outcome = new Outcome();
        _pool.Get(Node(nodeId), group).Subscribe(
            c => (outcome.Connection, outcome.At) = (c, _scheduler.Elapsed()),
            e => (outcome.Error, outcome.At) = (e, _scheduler.Elapsed()));
        return outcome;
    }

    /// <summary>A Get that succeeds once the broker has answered ApiVersions (one tick after it arrives).</summary>
    private KafkaConnection Connected(int nodeId, ConnectionGroup group = ConnectionGroup.Default)
    {
        var outcome = Get(nodeId, group);
        _scheduler.AdvanceBy(Tick);
        Assert.True(outcome.Connection is not null, $"no connection: {outcome.Error?.Message}");
        return outcome.Connection;
    }

    [Fact]
    public void K2_one_connection_per_node_and_group_and_another_group_or_node_gets_its_own()
    {
        var first = Connected(1);
        var again = Connected(1);
        var coordination = Connected(1, ConnectionGroup.Coordination);
        var produce = Connected(1, ConnectionGroup.Produce);
        var otherNode = Connected(2);

        Assert.Same(first, again);
        Assert.Equal(4, new[] { first, coordination, produce, otherNode }.Distinct().Count());
        Assert.Equal(4, _pool.Count);
        Assert.Equal(3, _cluster.Broker(1).Connections.Count);
        Assert.Single(_cluster.Broker(2).Connections);
        Assert.Same(coordination, _pool.TryGetReady(1, ConnectionGroup.Coordination));
        Assert.Null(_pool.TryGetReady(2, ConnectionGroup.Coordination));
        Assert.Equal(
            [(1, ConnectionGroup.Default), (1, ConnectionGroup.Coordination), (1, ConnectionGroup.Produce), (2, ConnectionGroup.Default)],
            _pool.ReadyConnections().Select(c => (c.Node.NodeId, c.Group)).Order());
    }

    [Fact]
    public void K2_concurrent_Get_calls_for_one_key_share_one_connection_attempt()
    {
        var outcomes = Enumerable.Range(0, 5).Select(_ => Get(1)).ToList();

        // Opening: counted, not ready yet.
        Assert.Equal(1, _pool.Count);
        Assert.Null(_pool.TryGetReady(1, ConnectionGroup.Default));
        Assert.All(outcomes, o => Assert.Null(o.Connection));

        _scheduler.AdvanceBy(Tick);

        Assert.All(outcomes, o => Assert.Same(outcomes[0].Connection, o.Connection));
        Assert.All(outcomes, o => Assert.Equal(Tick, o.At));
        Assert.Equal(1, _transports.Attempts(1));
        Assert.Single(_cluster.Broker(1).Connections);
        Assert.Equal(1, ApiVersionsRequests(1));
        Assert.Equal(1, _pool.Count);
        Assert.Same(outcomes[0].Connection, _pool.TryGetReady(1, ConnectionGroup.Default));
    }

    [Fact]
    public void K2_a_closed_connection_leaves_the_pool_and_the_next_Get_opens_a_new_one()
    {
        var first = Connected(1);
        Connected(1, ConnectionGroup.Produce);

        _cluster.Broker(1).Disconnect(0);
        _scheduler.AdvanceBy(Tick);

        Assert.Equal(ConnectionStatus.Closed, first.CurrentState.Status);
        Assert.Equal(1, _pool.Count); // the Produce connection stays
        Assert.Null(_pool.TryGetReady(1, ConnectionGroup.Default));
        Assert.True(_pool.HasReadyConnection(1));

        var second = Connected(1);

        Assert.NotSame(first, second);
        Assert.Equal(ConnectionStatus.Ready, second.CurrentState.Status);
        Assert.Equal(3, _transports.Attempts(1));
        Assert.Equal(2, _pool.Count);
    }

    [Fact]
    public void S1_a_broker_in_its_reconnect_backoff_is_reported_with_the_failure_that_started_it_first()
    {
        _cluster.SetBrokerDown(1);
        var refused = Get(1);
        _scheduler.AdvanceBy(Tick);

        var during = Get(1);

        // Issue 11: "rxkafka produce" led with the backoff; the refused connection is the cause.
        var error = Assert.IsType<NodeNotReadyException>(during.Error);
        Assert.StartsWith(refused.Error!.Message, error.Message);
        Assert.Contains("connection refused", error.Message);
        Assert.Contains("reconnect backoff", error.Message);
    }

    [Fact]
    public void S1_after_a_failed_connect_the_broker_is_not_tried_again_before_its_reconnect_backoff()
    {
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        _cluster.SetBrokerDown(1);
        var refused = Get(1);
        _scheduler.AdvanceBy(Tick);
        Assert.IsType<KafkaConnectionException>(refused.Error);
        Assert.Equal(0, _pool.Count);
        Assert.Equal(1, _transports.Attempts(1));
        _cluster.SetBrokerUp(1);

        // Until 100 ms after the failure, every group's Get fails at once, naming the broker, without an attempt.
        _scheduler.AdvanceTo(refused.At + TimeSpan.FromMilliseconds(100) - Tick);
        foreach (var group in Enum.GetValues<ConnectionGroup>())
        {
            var during = Get(1, group);
            var error = Assert.IsType<NodeNotReadyException>(during.Error);
            Assert.Equal(refused.At + TimeSpan.FromMilliseconds(100) - Tick, during.At);
            Assert.Equal(1, error.NodeId);
            Assert.Contains("broker-1:9092", error.Message);
            Assert.Contains("reconnect backoff", error.Message);
            Assert.Same(refused.Error, error.InnerException);
        }

        Assert.Equal(1, _transports.Attempts(1));
        Assert.Equal(0, _pool.Count);

        // Another broker is not held back.
        Connected(2);

        _scheduler.AdvanceBy(Tick);
        var after = Get(1);
        _scheduler.AdvanceBy(Tick);
        Assert.Equal(ConnectionStatus.Ready, after.Connection?.CurrentState.Status);
        Assert.Equal(2, _transports.Attempts(1));
    }

    [Fact]
    public void S1_each_failure_in_a_row_doubles_the_wait_and_a_connect_resets_it()
    {
        _cluster.SetBrokerDown(1);

        // Tries the broker whenever it may, and says when the attempts happened.
        List<TimeSpan> AttemptTimes(int count)
        {
            var times = new List<TimeSpan>();
            while (times.Count < count)
            {
                var before = _transports.Attempts(1);
                Get(1);
                if (_transports.Attempts(1) > before)
                {
                    times.Add(_scheduler.Elapsed());
                }

                _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
            }

            return times;
        }

        var failing = AttemptTimes(5);
        Assert.Equal(
            [100, 200, 400, 800],
            failing.Zip(failing.Skip(1), (a, b) => (b - a).TotalMilliseconds));

        // Capped at the max (1 s).
        var capped = AttemptTimes(2);
        Assert.Equal(TimeSpan.FromSeconds(1), capped[1] - capped[0]);

        // A connect resets the backoff: the next failure waits the base again.
        _cluster.SetBrokerUp(1);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        var connection = Connected(1);
        _cluster.SetBrokerDown(1);
        _scheduler.AdvanceBy(Tick);
        Assert.Equal(ConnectionStatus.Closed, connection.CurrentState.Status);
        var afterReset = AttemptTimes(2);
        Assert.Equal(TimeSpan.FromMilliseconds(100), afterReset[1] - afterReset[0]);
    }

    [Fact]
    public void K5_the_closed_callback_hears_the_node_the_group_and_the_close_reason()
    {
        var pool = NewPool(new ConnectionOptions { Scheduler = _scheduler, RequestTimeout = TimeSpan.FromSeconds(2) });
        var broken = Connected(1, ConnectionGroup.Produce);
        var timingOut = pool.GetAsync(Node(2), ConnectionGroup.Coordination);
        _scheduler.AdvanceBy(Tick);
        Assert.True(timingOut.IsCompletedSuccessfully);
        var start = _scheduler.Elapsed();

        // Broker 1 drops its connection; broker 2 never answers a request.
        _cluster.Broker(1).Disconnect(0);
        _cluster.Handler = (_, _) => BrokerReply.Silence;
        _ = timingOut.Result.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(3));

        Assert.Equal(
            [
                (1, ConnectionGroup.Produce, ConnectionStatus.Closed, CloseReason.ConnectionBroken, start),
                (2, ConnectionGroup.Coordination, ConnectionStatus.Closed, CloseReason.ConnectionTimeout, start + TimeSpan.FromSeconds(2)),
            ],
            _closed.Select(c => (c.Node.NodeId, c.Group, c.State.Status, c.State.Reason!.Value, c.At)));
        Assert.Equal(ConnectionStatus.Closed, broken.CurrentState.Status);
        Assert.Equal(0, _pool.Count);
        Assert.Equal(0, pool.Count);
        Assert.True(pool.DisposeAsync().IsCompleted);
    }

    [Fact]
    public void Disposing_the_pool_closes_every_connection_with_reason_Shutdown_and_refuses_new_ones()
    {
        Connected(1);
        Connected(1, ConnectionGroup.Fetch);
        Connected(2, ConnectionGroup.Coordination);
        var connecting = Get(2);
        Assert.Equal(4, _pool.Count);

        Assert.True(_pool.DisposeAsync().IsCompleted);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Equal(
            [(1, ConnectionGroup.Default), (1, ConnectionGroup.Fetch), (2, ConnectionGroup.Coordination)],
            _closed.Select(c => (c.Node.NodeId, c.Group)).Order());
        Assert.All(_closed, c => Assert.Equal(ConnectionState.Closed(CloseReason.Shutdown), c.State));
        Assert.All(_closed, c => Assert.Equal(Tick * 3, c.At));
        Assert.IsType<ObjectDisposedException>(connecting.Error);
        Assert.All(_cluster.Broker(1).Connections.Concat(_cluster.Broker(2).Connections), t => Assert.True(t.IsDisposed));
        Assert.Equal(0, _pool.Count);
        Assert.Throws<ObjectDisposedException>(() => _pool.Get(Node(1), ConnectionGroup.Default));
    }

    public async ValueTask DisposeAsync() => await _pool.DisposeAsync();

    [Fact]
    public void K1_a_bootstrap_connection_still_opening_when_the_metadata_names_the_brokers_fails_its_waiters_retriably()
    {
        // A FindCoordinator on a bootstrap connection that opened just after the first metadata answer got an
        // ObjectDisposedException, which ended a consumer group member as if the client were disposed.
        var outcome = new Outcome();
        _pool.Get(new BrokerNode(-1, "broker-1", 9092), ConnectionGroup.Coordination).Subscribe(
            c => outcome.Connection = c,
            e => outcome.Error = e);
        var named = ClusterSnapshot.Empty.Apply(new MetadataResponse { Brokers = [new() { NodeId = 1, Host = "broker-1", Port = 9092 }] }, DateTimeOffset.UnixEpoch);

        _pool.RetireBootstrapConnections(named);
        _scheduler.AdvanceBy(Tick);

        var error = Assert.IsType<NodeNotReadyException>(outcome.Error);
        Assert.True(error.IsRetriable);
        Assert.Null(outcome.Connection);
        Assert.Equal(0, _pool.Count);
        Assert.NotNull(Connected(1, ConnectionGroup.Coordination)); // the retry, by the broker's own id
    }

    private sealed class Outcome
    {
        public KafkaConnection? Connection { get; set; }

        public Exception? Error { get; set; }

        public TimeSpan At { get; set; }
    }

    /// <summary>The cluster's transports, counting the attempts to open one per endpoint (refused ones too).</summary>
    private sealed class CountingTransports(ScriptedCluster cluster) : IKafkaTransportFactory
    {
        private readonly Dictionary<BrokerEndpoint, int> _attempts = new();

        public int Attempts(int nodeId) => _attempts.GetValueOrDefault(cluster.Endpoint(nodeId));

        public ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
        {
            _attempts[endpoint] = _attempts.GetValueOrDefault(endpoint) + 1;
            return cluster.ConnectAsync(endpoint, cancellationToken);
        }
    }
}
