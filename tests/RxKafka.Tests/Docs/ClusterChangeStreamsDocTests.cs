// Virtual time: tasks are completed by advancing the TestScheduler before their result is read.
#pragma warning disable xUnit1031, xUnit1051

using System.Collections.Immutable;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;
using RxKafka.Tests.Client;

namespace RxKafka.Tests.Docs;

/// <summary>
/// The LINQ examples of docs/cluster-change-streams.md, run against a <see cref="ScriptedCluster"/> in
/// virtual time. The lines between "doc copy" markers are the document's own (DocSnippetTests checks).
/// The cluster: brokers 1-3, topic "orders" with 6 partitions led by 1, 2, 3, 1, 2, 3.
/// </summary>
public sealed class ClusterChangeStreamsDocTests : ClientTestBase
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Leader_moves_of_one_topic_leave_out_re_elections_and_other_topics()
    {
        var client = Bootstrapped();
        // doc copy: cluster-change-streams.md
        IObservable<LeaderChanged> ordersLeaderMoves =
            from c in client.Cluster.Changes.OfType<LeaderChanged>()
            where c.Topic == "orders" && c.Leader != c.PreviousLeader
            select c;
        // end of doc copy
        var seen = new List<LeaderChanged>();
        using var subscription = ordersLeaderMoves.Subscribe(seen.Add);

        Cluster.CreateTopic("payments", partitions: 1);
        Cluster.SetPartitionLeader("orders", 1, leaderId: 3);      // moves from 2 to 3
        Cluster.SetPartitionLeader("orders", 2, leaderId: 3);      // 3 again, with a new leader epoch
        Complete(client.ForceMetadataUpdateAsync(), Second);
        Cluster.SetPartitionLeader("payments", 0, leaderId: 2);    // another topic
        Complete(client.ForceMetadataUpdateAsync(), Second);

        Assert.Equal([new LeaderChanged("orders", 1, 2, 3, 0, 1)], seen);
    }

    [Fact]
    public void Leader_moves_per_broker_per_minute_are_counted_on_the_scheduler()
    {
        var client = Bootstrapped();
        IScheduler scheduler = Scheduler;
        // doc copy: cluster-change-streams.md
        IObservable<IReadOnlyDictionary<int, int>> leadershipsGainedPerMinute =
            client.Cluster.Changes
                .OfType<LeaderChanged>()
                .Where(c => c.Leader >= 0 && c.Leader != c.PreviousLeader)
                .Buffer(TimeSpan.FromMinutes(1), scheduler)
                .Select(minute => (IReadOnlyDictionary<int, int>)minute
                    .GroupBy(c => c.Leader)
                    .ToDictionary(g => g.Key, g => g.Count()));
        // end of doc copy
        var start = Now;
        var minutes = Scheduler.CreateObserver<IReadOnlyDictionary<int, int>>();
        using var subscription = leadershipsGainedPerMinute.Subscribe(minutes);

        Cluster.SetPartitionLeader("orders", 0, leaderId: 2);
        Cluster.SetPartitionLeader("orders", 3, leaderId: 2);
        Cluster.SetPartitionLeader("orders", 1, leaderId: 3);
        Complete(client.ForceMetadataUpdateAsync(), Second);
        Scheduler.AdvanceTo(start + TimeSpan.FromSeconds(90));
        Cluster.SetPartitionLeader("orders", 0, leaderId: 1);
        Complete(client.ForceMetadataUpdateAsync(), Second);
        Scheduler.AdvanceTo(start + TimeSpan.FromMinutes(3));

        Assert.Equal(
            [start + TimeSpan.FromMinutes(1), start + TimeSpan.FromMinutes(2), start + TimeSpan.FromMinutes(3)],
            minutes.Messages.Select(m => TimeSpan.FromTicks(m.Time)));
        Assert.Equal(new Dictionary<int, int> { [2] = 2, [3] = 1 }, minutes.Messages[0].Value.Value);
        Assert.Equal(new Dictionary<int, int> { [1] = 1 }, minutes.Messages[1].Value.Value);
        Assert.Empty(minutes.Messages[2].Value.Value);
    }

    [Fact]
    public void A_broker_that_goes_away_and_comes_back_is_seen_by_the_periodic_updates()
    {
        var client = Bootstrapped(); // connected to broker 1 only
        IScheduler scheduler = Scheduler;
        // doc copy: cluster-change-streams.md
        IObservable<(int NodeId, TimeSpan Away)> brokerReturns =
            from gone in client.Cluster.Changes.OfType<BrokerRemoved>().Timestamp(scheduler)
            from back in client.Cluster.Changes.OfType<BrokerAdded>().Timestamp(scheduler)
                .Where(added => added.Value.Broker.NodeId == gone.Value.Broker.NodeId)
                .Take(1)
            select (gone.Value.Broker.NodeId, back.Timestamp - gone.Timestamp);
        // end of doc copy
        var seen = new List<(int NodeId, TimeSpan Away)>();
        using var subscription = brokerReturns.Subscribe(seen.Add);

        Cluster.SetBrokerDown(3);                                  // no connection of the client breaks
        Scheduler.AdvanceTo(TimeSpan.FromMinutes(7));              // the update at 5:00 finds it gone
        Assert.Empty(seen);
        Cluster.SetBrokerUp(3);
        Scheduler.AdvanceTo(TimeSpan.FromMinutes(11));             // the update at 10:00 finds it back

        Assert.Equal([(3, TimeSpan.FromMinutes(5))], seen);
    }

    [Fact]
    public void New_topics_with_a_prefix_arrive_in_name_order()
    {
        var client = Bootstrapped();
        // doc copy: cluster-change-streams.md
        IObservable<TopicMetadata> newPaymentTopics =
            from c in client.Cluster.Changes.OfType<TopicAdded>()
            where c.Topic.StartsWith("payments.", StringComparison.Ordinal)
            select c.Metadata;
        // end of doc copy
        var seen = new List<string>();
        using var subscription = newPaymentTopics.Select(t => t.Name).Subscribe(seen.Add);

        Cluster.CreateTopic("payments.us", partitions: 2);
        Cluster.CreateTopic("audit", partitions: 1);
        Cluster.CreateTopic("payments.eu", partitions: 2);
        Complete(client.ForceMetadataUpdateAsync(), Second);

        Assert.Equal(["payments.eu", "payments.us"], seen);
    }

    [Fact]
    public void Isr_shrinks_are_seen_and_growth_is_not()
    {
        var client = Bootstrapped();
        // doc copy: cluster-change-streams.md
        IObservable<IsrChanged> isrShrinks =
            from c in client.Cluster.Changes.OfType<IsrChanged>()
            where c.Isr.Length < c.PreviousIsr.Length
            select c;
        // end of doc copy
        var seen = new List<IsrChanged>();
        using var subscription = isrShrinks.Subscribe(seen.Add);

        Cluster.SetIsr("orders", 0, 1, 2);
        Complete(client.ForceMetadataUpdateAsync(), Second);
        Cluster.SetIsr("orders", 0, 1, 2, 3);
        Cluster.SetIsr("orders", 4, 2);
        Complete(client.ForceMetadataUpdateAsync(), Second);

        Assert.Equal(
            [
                new IsrChanged("orders", 0, ImmutableArray.Create(1, 2, 3), ImmutableArray.Create(1, 2)),
                new IsrChanged("orders", 4, ImmutableArray.Create(2, 3, 1), ImmutableArray.Create(2)),
            ],
            seen);
    }

    [Fact]
    public void Under_replicated_partitions_come_from_the_current_snapshot_then_each_new_list()
    {
        var client = Bootstrapped();
        // doc copy: cluster-change-streams.md
        IObservable<IReadOnlyList<TopicPartition>> underReplicated =
            client.Cluster.Snapshots
                .Select(snapshot => (IReadOnlyList<TopicPartition>)snapshot.Topics.Values
                    .SelectMany(topic => topic.Partitions)
                    .Where(p => p.Isr.Length < p.Replicas.Length)
                    .Select(p => p.TopicPartition)
                    .OrderBy(tp => tp.Topic, StringComparer.Ordinal)
                    .ThenBy(tp => tp.Partition)
                    .ToList())
                .DistinctUntilChanged(partitions => string.Join(",", partitions));
        // end of doc copy
        var seen = new List<string>();
        using var subscription = underReplicated.Select(list => string.Join(",", list)).Subscribe(seen.Add);

        Cluster.SetIsr("orders", 5, 3, 1);
        Complete(client.ForceMetadataUpdateAsync(), Second);
        Complete(client.ForceMetadataUpdateAsync(), Second);      // the same list: nothing new
        Cluster.SetIsr("orders", 0, 1);
        Complete(client.ForceMetadataUpdateAsync(), Second);
        Cluster.SetIsr("orders", 0, 1, 2, 3);
        Cluster.SetIsr("orders", 5, 3, 1, 2);
        Complete(client.ForceMetadataUpdateAsync(), Second);

        Assert.Equal(["", "orders-5", "orders-0,orders-5", ""], seen);
    }

    [Fact]
    public void Waiting_for_a_condition_ends_with_the_snapshot_that_meets_it()
    {
        var client = Bootstrapped();
        var waiting = InlineContinuations(() => WaitUntilBroker2LeadsOrders0(client, Scheduler));
        Cluster.SetPartitionLeader("orders", 0, leaderId: 2);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(10));
        Assert.False(waiting.IsCompleted);                         // nothing has asked for metadata yet
        _ = client.ForceMetadataUpdateAsync();

        var snapshot = Complete(waiting, Second);
        Assert.Equal(2, snapshot.GetLeader("orders", 0));
        Assert.Same(client.Snapshot, snapshot);
    }

    [Fact]
    public void Waiting_for_a_condition_times_out_on_the_scheduler()
    {
        var client = Bootstrapped();
        var started = Now;
        var waiting = InlineContinuations(() => WaitUntilBroker2LeadsOrders0(client, Scheduler));

        Fails<TimeoutException>(waiting, TimeSpan.FromMinutes(1));
        Assert.Equal(started + TimeSpan.FromSeconds(30), Now);
    }

    [Fact]
    public void Waiting_for_a_change_subscribes_before_the_action()
    {
        var client = Bootstrapped();
        IScheduler scheduler = Scheduler;
        async Task<TopicAdded> CreateAndWaitAsync()
        {
            // doc copy: cluster-change-streams.md
            Task<TopicAdded> added = client.Cluster.Changes
                .OfType<TopicAdded>()
                .FirstAsync(c => c.Topic == "shipments")
                .Timeout(TimeSpan.FromSeconds(30), scheduler)
                .ToTask();                                  // subscribes now
            // end of doc copy
            Cluster.CreateTopic("shipments", partitions: 2);
            // doc copy: cluster-change-streams.md
            // ... create the topic, then ask for metadata instead of waiting for the periodic update:
            await client.ForceMetadataUpdateAsync();
            TopicAdded shipments = await added;
            // end of doc copy
            return shipments;
        }

        var shipments = Complete(InlineContinuations(CreateAndWaitAsync), Second);

        Assert.Equal(2, shipments.Metadata.Partitions.Length);
    }

    [Fact]
    public void Failed_updates_are_reported_and_counted_until_one_succeeds()
    {
        var client = Bootstrapped(Options with { RetryBackoff = TimeSpan.FromMilliseconds(100), RetryBackoffMax = Second });
        // doc copy: cluster-change-streams.md
        IObservable<MetadataUpdate> failedUpdates = client.Cluster.Updates.Where(u => !u.Succeeded);

        // How many updates in a row have failed: 0 after each success.
        IObservable<int> failuresInARow = client.Cluster.Updates
            .Scan(0, (inARow, update) => update.Succeeded ? 0 : inARow + 1)
            .DistinctUntilChanged();
        // end of doc copy
        var failed = new List<MetadataUpdate>();
        var inARow = new List<int>();
        using var failures = failedUpdates.Subscribe(failed.Add);
        using var counts = failuresInARow.Subscribe(inARow.Add);
        // Every broker answers Metadata without brokers, which is not applied: the update fails.
        var failing = true;
        Cluster.Handler = (_, request) => failing && request.ApiKey == ApiKey.Metadata ? BrokerReply.Respond(new MetadataResponse()) : null;

        _ = client.ForceMetadataUpdateAsync();
        Scheduler.AdvanceUntil(() => failed.Count == 3, Scheduler.Clock + TimeSpan.FromSeconds(2).Ticks);
        failing = false;
        Scheduler.AdvanceUntil(() => inARow.Count == 4, Scheduler.Clock + TimeSpan.FromSeconds(2).Ticks);

        Assert.Equal([1, 2, 3, 0], inARow);
        Assert.Equal([MetadataUpdateReason.Forced, MetadataUpdateReason.Retry, MetadataUpdateReason.Retry], failed.Select(u => u.Reason));
        Assert.All(failed, u => Assert.IsType<KafkaConnectionException>(u.Error));
    }

    private static async Task<ClusterSnapshot> WaitUntilBroker2LeadsOrders0(KafkaClient client, IScheduler scheduler)
    {
        // doc copy: cluster-change-streams.md
        ClusterSnapshot snapshot = await client.Cluster.Snapshots
            .FirstAsync(s => s.GetLeader("orders", 0) == 2)
            .Timeout(TimeSpan.FromSeconds(30), scheduler);
        // end of doc copy
        return snapshot;
    }

    // Starts an async method with no synchronization context, so that its awaits resume inline
    // while the test advances the scheduler, instead of being posted to the test framework's context.
    private static Task<T> InlineContinuations<T>(Func<Task<T>> start)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return start();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
