#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Client;

/// <summary>The metadata synchronizer's schedule (K3, K4, K5) and the cluster view's streams (M3, M6), in virtual time.</summary>
public sealed class MetadataSynchronizerTests : ClientTestBase
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public void K3_with_a_five_minute_max_age_updates_run_at_exactly_5_10_and_15_minutes()
    {
        var client = NewClient(Options with { MetadataMaxAge = TimeSpan.FromMinutes(5) });
        var snapshots = Scheduler.CreateObserver<long>();
        client.Cluster.Snapshots.Select(s => s.Generation).Subscribe(snapshots);
        _ = client.BootstrapAsync();

        Scheduler.AdvanceTo(TimeSpan.FromMinutes(16));

        // Bootstrap: ApiVersions answered at tick 1, Metadata sent then. The periodic requests go out
        // on the open connection exactly max age after the previous update started.
        Assert.Equal([Tick, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15)], MetadataTimes);
        snapshots.Messages.AssertEqual(
            OnNext(0, 0L),
            OnNext(2, 1L),
            OnNext(TimeSpan.FromMinutes(5).Ticks + 1, 2L),
            OnNext(TimeSpan.FromMinutes(10).Ticks + 1, 3L),
            OnNext(TimeSpan.FromMinutes(15).Ticks + 1, 4L));
    }

    [Fact]
    public void K3_a_forced_update_restarts_the_max_age_clock()
    {
        var client = Bootstrapped(Options with { MetadataMaxAge = TimeSpan.FromMinutes(5) });
        Scheduler.AdvanceTo(TimeSpan.FromMinutes(2));
        Complete(client.ForceMetadataUpdateAsync(), TimeSpan.FromSeconds(1));

        Scheduler.AdvanceTo(TimeSpan.FromMinutes(8));

        Assert.Equal([Tick, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(7)], MetadataTimes);
    }

    [Fact]
    public void K3_three_force_calls_during_one_update_make_exactly_one_more_update_and_all_complete_with_it()
    {
        var client = Bootstrapped();
        Cluster.ResponseDelay = TimeSpan.FromSeconds(1);
        var first = client.ForceMetadataUpdateAsync();
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100));
        Assert.False(first.IsCompleted);

        var during = new[] { client.ForceMetadataUpdateAsync(), client.ForceMetadataUpdateAsync(), client.ForceMetadataUpdateAsync() };
        var firstSnapshot = Complete(first, TimeSpan.FromSeconds(2));
        Assert.All(during, t => Assert.False(t.IsCompleted)); // served by the next update, not the one under way
        var next = Complete(during[0], TimeSpan.FromSeconds(2));

        Scheduler.AdvanceBy(TimeSpan.FromMinutes(1));
        Assert.Equal(3, MetadataTimes.Count); // bootstrap, the first forced update, one more
        Assert.All(during, t => Assert.Same(next, t.Result));
        Assert.Equal(firstSnapshot.Generation + 1, next.Generation);
        // The second update started the moment the first one landed.
        Assert.Equal(MetadataTimes[1] + TimeSpan.FromSeconds(1), MetadataTimes[2]);
    }

    [Fact]
    public void K3_a_tracked_topic_added_during_an_update_makes_a_second_update_at_once()
    {
        var client = Bootstrapped();
        Cluster.ResponseDelay = TimeSpan.FromSeconds(1);
        var first = client.ForceMetadataUpdateAsync();
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
        client.AddTopics("payments");
        Complete(first, TimeSpan.FromSeconds(2));
        var landed = Now;

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(5));

        var requests = Cluster.MetadataRequests.Select(r => (Time: Since0(r.Request.ReceivedAt), Request: (MetadataRequest)r.Request.Request)).ToList();
        // The update under way asked for every topic only; the next one starts as it lands and also asks for "payments" by name.
        Assert.Equal(2, requests.Count(r => r.Time < landed));
        var second = requests.Where(r => r.Time >= landed).ToList();
        Assert.Equal(landed, second[0].Time);
        Assert.Contains(second, r => r.Request.Topics?.Select(t => t.Name).SequenceEqual(["payments"]) == true);
        Assert.Contains("payments", client.TrackedTopics);
        // A broker creating a topic on request answers LEADER_NOT_AVAILABLE the first time.
        Assert.Equal(ErrorCode.LeaderNotAvailable, client.Snapshot.TopicErrors["payments"]);
    }

    [Fact]
    public void K3_adding_a_topic_the_view_already_has_needs_no_update()
    {
        var client = Bootstrapped();
        var before = MetadataTimes.Count;
        client.AddTopics("orders");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(10));
        Assert.Equal(before, MetadataTimes.Count);
    }

    [Fact]
    public void K4_when_every_broker_fails_waiters_hear_it_the_stream_lives_and_retries_back_off()
    {
        var client = Bootstrapped(Options with { RetryBackoff = TimeSpan.FromMilliseconds(100), RetryBackoffMax = TimeSpan.FromSeconds(1) });
        var updates = new List<MetadataUpdate>();
        client.Cluster.Updates.Subscribe(updates.Add);
        var snapshots = Scheduler.CreateObserver<long>();
        client.Cluster.Snapshots.Select(s => s.Generation).Subscribe(snapshots);
        // Every broker answers Metadata without brokers: not applied (K4), a failure for each broker.
        var failing = true;
        Cluster.Handler = (_, request) => failing && request.ApiKey == ApiKey.Metadata ? BrokerReply.Respond(new MetadataResponse()) : null;

        var error = Fails<KafkaConnectionException>(client.ForceMetadataUpdateAsync(), TimeSpan.FromSeconds(1));
        Assert.StartsWith("unable to update metadata from broker-", error.Message);
        Assert.Equal(3, error.BrokerErrors.Count);
        Assert.All(error.BrokerErrors, e => Assert.Contains("lists no brokers", e.Value.Message));

        // Two more failed rounds, then the brokers recover.
        Scheduler.AdvanceUntil(() => updates.Count == 3, Scheduler.Clock + TimeSpan.FromSeconds(1).Ticks);
        failing = false;
        Scheduler.AdvanceUntil(() => updates.Count == 4, Scheduler.Clock + TimeSpan.FromSeconds(1).Ticks);

        Assert.Equal(
            [(MetadataUpdateReason.Forced, false), (MetadataUpdateReason.Retry, false), (MetadataUpdateReason.Retry, false), (MetadataUpdateReason.Retry, true)],
            updates.Select(u => (u.Reason, u.Succeeded)));
        // Each retry round's first request goes out exactly one backoff after the failure: 100, 200, 400 ms.
        TimeSpan FirstRequestAfter(DateTimeOffset time) => MetadataTimes.First(t => t > Since0(time));
        Assert.Equal(Since0(updates[0].At) + TimeSpan.FromMilliseconds(100), FirstRequestAfter(updates[0].At));
        Assert.Equal(Since0(updates[1].At) + TimeSpan.FromMilliseconds(200), FirstRequestAfter(updates[1].At));
        Assert.Equal(Since0(updates[2].At) + TimeSpan.FromMilliseconds(400), FirstRequestAfter(updates[2].At));
        Assert.All(updates.Take(3), u => Assert.IsType<KafkaConnectionException>(u.Error));
        // M6: failures never ended the snapshot stream; the recovery is generation 2.
        Assert.All(snapshots.Messages, m => Assert.Equal(System.Reactive.NotificationKind.OnNext, m.Value.Kind));
        Assert.Equal([1L, 2L], snapshots.Messages.Select(m => m.Value.Value)); // the current one on subscribing, then the recovery
    }

    [Fact]
    public void K4_with_every_broker_down_updates_fail_until_one_comes_back()
    {
        var client = Bootstrapped();
        var updates = new List<MetadataUpdate>();
        client.Cluster.Updates.Subscribe(updates.Add);
        foreach (var id in Cluster.NodeIds)
        {
            Cluster.SetBrokerDown(id);
        }

        // K5: the broken connection asks for an update; every broker refuses; the retries keep failing.
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.False(u.Succeeded));
        Assert.Equal(MetadataUpdateReason.ConnectionLost, updates[0].Reason);
        var refused = Assert.IsType<KafkaConnectionException>(updates[0].Error);
        Assert.Contains("refused", refused.Message);

        Cluster.SetBrokerUp(2);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        Assert.True(updates[^1].Succeeded);
        Assert.Equal("broker-2:9092", updates[^1].Broker);
        Assert.Single(client.Snapshot.Brokers); // the down brokers leave the metadata, as in librdkafka 2.15.1's mock
    }

    [Fact]
    public void K5_a_broken_connection_forces_an_update()
    {
        var client = Bootstrapped();
        var updates = new List<MetadataUpdate>();
        client.Cluster.Updates.Subscribe(updates.Add);
        Scheduler.AdvanceTo(TimeSpan.FromMinutes(1));
        var metadataBroker = Cluster.MetadataRequests[0].NodeId;

        Cluster.Broker(metadataBroker).Disconnect(0);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        var update = Assert.Single(updates);
        Assert.Equal(MetadataUpdateReason.ConnectionLost, update.Reason);
        Assert.True(update.Succeeded);
        Assert.True(MetadataTimes[^1] - TimeSpan.FromMinutes(1) < TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void K5_a_request_timeout_forces_an_update()
    {
        var client = Bootstrapped(Options with { RequestTimeout = TimeSpan.FromSeconds(10) });
        var updates = new List<MetadataUpdate>();
        client.Cluster.Updates.Subscribe(updates.Add);
        Cluster.Handler = (_, request) => request.ApiKey == ApiKey.DescribeCluster ? BrokerReply.Silence : null;

        var send = client.SendAsync(1, new DescribeClusterRequest());
        var timedOut = Fails<RequestTimedOutException>(send, TimeSpan.FromSeconds(11));
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Contains("DescribeCluster", timedOut.Message);
        Assert.Equal(MetadataUpdateReason.ConnectionLost, Assert.Single(updates).Reason);
    }

    [Fact]
    public void K5_an_idle_drop_does_not_force_an_update()
    {
        var client = Bootstrapped(Options with { ConnectionsMaxIdle = TimeSpan.FromMinutes(1), MetadataMaxAge = TimeSpan.FromMinutes(5) });
        var connection = Complete(client.GetConnectionAsync(Cluster.MetadataRequests[0].NodeId), TimeSpan.FromSeconds(1));
        var connections = Cluster.NodeIds.Sum(id => Cluster.Broker(id).Connections.Count);

        Scheduler.AdvanceTo(TimeSpan.FromMinutes(4));

        Assert.Equal(ConnectionState.Closed(CloseReason.IdleDrop), connection.CurrentState);
        Assert.Single(MetadataTimes); // only the bootstrap: the idle close at 1 minute asked for nothing
        Scheduler.AdvanceTo(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(2, MetadataTimes.Count); // the periodic one, on a new connection
        Assert.Equal(connections + 1, Cluster.NodeIds.Sum(id => Cluster.Broker(id).Connections.Count));
    }

    [Fact]
    public void M3_a_subscriber_that_joins_late_gets_the_current_snapshot_first()
    {
        var client = Bootstrapped();
        Scheduler.AdvanceTo(TimeSpan.FromMinutes(3));
        Complete(client.ForceMetadataUpdateAsync(), TimeSpan.FromSeconds(1));
        var current = client.Snapshot;

        var late = Scheduler.CreateObserver<ClusterSnapshot>();
        client.Cluster.Snapshots.Subscribe(late);
        Complete(client.ForceMetadataUpdateAsync(), TimeSpan.FromSeconds(1));

        Assert.Equal(2, late.Messages.Count);
        Assert.Same(current, late.Messages[0].Value.Value);
        Assert.Equal(current.Generation + 1, late.Messages[1].Value.Value.Generation);
    }

    [Fact]
    public void M4_a_leader_move_shows_up_as_one_LeaderChanged_after_the_next_update()
    {
        var client = Bootstrapped();
        var changes = new List<ClusterChange>();
        client.Cluster.Changes.Subscribe(changes.Add);
        var before = client.Snapshot.GetPartition("orders", 2)!;
        var target = Cluster.NodeIds.First(id => id != before.Leader);

        Cluster.SetPartitionLeader("orders", 2, target);
        Assert.Empty(changes); // nothing until the next update
        Complete(client.ForceMetadataUpdateAsync(), TimeSpan.FromSeconds(1));

        var moved = Assert.IsType<LeaderChanged>(Assert.Single(changes));
        Assert.Equal(new LeaderChanged("orders", 2, before.Leader, target, before.LeaderEpoch, before.LeaderEpoch + 1), moved);
    }

    [Fact]
    public void Dispose_fails_a_pending_force_and_completes_the_streams()
    {
        var client = Bootstrapped();
        Cluster.ResponseDelay = TimeSpan.FromSeconds(1);
        var first = client.ForceMetadataUpdateAsync();
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));
        var next = client.ForceMetadataUpdateAsync();
        var completed = false;
        client.Cluster.Snapshots.Subscribe(_ => { }, () => completed = true);

        client.DisposeAsync().AsTask().Wait(TestContext.Current.CancellationToken);

        Assert.True(next.IsFaulted);
        Assert.IsType<ObjectDisposedException>(next.Exception!.InnerException);
        Assert.True(completed);
        Assert.True(first.IsCompleted);
        Assert.Throws<ObjectDisposedException>(() => client.ForceMetadataUpdate());
    }
}
