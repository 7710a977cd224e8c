using RxKafka.Cluster;
using static RxKafka.Tests.Cluster.Metadata;

namespace RxKafka.Tests.Cluster;

/// <summary><see cref="ClusterDiff.Between"/>: every kind of change, exactly, in the documented order (M4).</summary>
public sealed class ClusterDiffTests
{
    private static readonly Guid RecreatedOrdersId = new("0b9f1d33-8a3c-4f55-9d41-7c1c8d2e0009");

    [Fact]
    public void M4_identical_snapshots_differ_in_nothing()
    {
        var response = Response(Topic("orders", Partitions(3, epoch: 2), id: OrdersId), Failed("payments", ErrorCode.TopicAuthorizationFailed));
        var snapshot = Snapshot(response).WithCoordinator(CoordinatorType.Group, "billing", new BrokerNode(1, "broker-1.kafka.internal", 9092, "rack-a"), T0);

        Assert.Empty(ClusterDiff.Between(snapshot, snapshot));
        Assert.Empty(ClusterDiff.Between(snapshot, snapshot.Then(response)));
        Assert.Empty(ClusterDiff.Between(ClusterSnapshot.Empty, ClusterSnapshot.Empty));
        Assert.Empty(ClusterDiff.Between(Snapshot(response), Snapshot(response))); // equal, not the same objects
    }

    [Fact]
    public void M4_brokers_added_removed_and_moved_by_host_port_or_rack()
    {
        var before = Snapshot(Response([], brokers: [Broker(1, "rack-a"), Broker(2, "rack-b"), Broker(3, "rack-c"), Broker(4, "rack-d")]));

        var after = before.Then(Response([], brokers:
        [
            Broker(1, "rack-a", host: "broker-1b.kafka.internal"),
            Broker(2, "rack-b", port: 9093),
            Broker(3, "rack-z"),
            Broker(5),
        ]));

        Assert.Equal(
            [
                new BrokerEndpointChanged(new(1, "broker-1.kafka.internal", 9092, "rack-a"), new(1, "broker-1b.kafka.internal", 9092, "rack-a")),
                new BrokerEndpointChanged(new(2, "broker-2.kafka.internal", 9092, "rack-b"), new(2, "broker-2.kafka.internal", 9093, "rack-b")),
                new BrokerEndpointChanged(new(3, "broker-3.kafka.internal", 9092, "rack-c"), new(3, "broker-3.kafka.internal", 9092, "rack-z")),
                new BrokerRemoved(new(4, "broker-4.kafka.internal", 9092, "rack-d")),
                new BrokerAdded(new(5, "broker-5.kafka.internal", 9092)),
            ],
            ClusterDiff.Between(before, after));
    }

    [Fact]
    public void M4_controller_changed()
    {
        var before = Snapshot(Response([], controller: 1));
        var after = before.Then(Response([], controller: 3));
        var unknown = after.Then(Response([], controller: -1));

        Assert.Equal([new ControllerChanged(1, 3)], ClusterDiff.Between(before, after));
        Assert.Equal([new ControllerChanged(3, -1)], ClusterDiff.Between(after, unknown));
    }

    [Fact]
    public void M4_topics_added_and_removed()
    {
        var orders = Topic("orders", Partitions(2, epoch: 1), id: OrdersId);
        var invoices = Topic("invoices", Partitions(1));
        var refunds = Topic("refunds", [Partition(0, -1, replicas: [1, 2], isr: [], error: ErrorCode.LeaderNotAvailable)]);
        var before = Snapshot(orders, invoices);

        var after = before.Then(Response(invoices, refunds));

        Assert.Equal(
            [new TopicRemoved(Expected(orders)), new TopicAdded(Expected(refunds))],
            ClusterDiff.Between(before, after));
    }

    [Fact]
    public void M4_a_recreated_topic_is_removed_then_added()
    {
        var old = Topic("orders", Partitions(3, epoch: 7), id: OrdersId);
        var recreated = Topic("orders", Partitions(2, epoch: 0), id: RecreatedOrdersId);
        var before = Snapshot(old);

        var after = before.Then(Response(recreated));

        Assert.Equal([new TopicRemoved(Expected(old)), new TopicAdded(Expected(recreated))], ClusterDiff.Between(before, after));
    }

    [Fact]
    public void M4_topic_errors_change_including_becoming_unauthorized_and_back()
    {
        var orders = Topic("orders", Partitions(1));
        var before = Snapshot(orders, Failed("invoices", ErrorCode.LeaderNotAvailable), Failed("payments", ErrorCode.UnknownTopicOrPartition));

        // invoices finishes being created, orders becomes unauthorized, payments now exists but is unauthorized.
        var invoices = Topic("invoices", Partitions(1));
        var middle = before.Then(Response(
            invoices,
            Failed("orders", ErrorCode.TopicAuthorizationFailed),
            Failed("payments", ErrorCode.TopicAuthorizationFailed)));
        Assert.Equal(
            [
                new TopicAdded(Expected(invoices)),
                new TopicRemoved(Expected(orders)),
                new TopicErrorChanged("invoices", ErrorCode.LeaderNotAvailable, ErrorCode.None),
                new TopicErrorChanged("orders", ErrorCode.None, ErrorCode.TopicAuthorizationFailed),
                new TopicErrorChanged("payments", ErrorCode.UnknownTopicOrPartition, ErrorCode.TopicAuthorizationFailed),
            ],
            ClusterDiff.Between(before, middle));

        // orders is allowed again.
        var after = middle.Then(Response(invoices, orders, Failed("payments", ErrorCode.TopicAuthorizationFailed)));
        Assert.Equal(
            [new TopicAdded(Expected(orders)), new TopicErrorChanged("orders", ErrorCode.TopicAuthorizationFailed, ErrorCode.None)],
            ClusterDiff.Between(middle, after));
    }

    [Fact]
    public void M4_partitions_added_and_removed()
    {
        var three = Partitions(3, epoch: 1);
        var five = Partitions(5, epoch: 1);
        var before = Snapshot(Topic("orders", three));

        var grown = before.Then(Response(Topic("orders", five)));
        var shrunk = grown.Then(Response(Topic("orders", three)));

        Assert.Equal([new PartitionsAdded("orders", [Expected("orders", five[3]), Expected("orders", five[4])])], ClusterDiff.Between(before, grown));
        Assert.Equal([new PartitionsRemoved("orders", [Expected("orders", five[3]), Expected("orders", five[4])])], ClusterDiff.Between(grown, shrunk));
    }

    [Fact]
    public void M4_leader_moved()
    {
        var before = Snapshot(Topic("orders", [Partition(0, 1, epoch: 5, replicas: [1, 2]), Partition(1, 2, epoch: 3, replicas: [2, 1])]));

        var after = before.Then(Response(Topic("orders", [Partition(0, 2, epoch: 6, replicas: [1, 2]), Partition(1, 2, epoch: 3, replicas: [2, 1])])));

        Assert.Equal([new LeaderChanged("orders", 0, 1, 2, 5, 6)], ClusterDiff.Between(before, after));
        Assert.Equal(new TopicPartition("orders", 0), ((LeaderChanged)ClusterDiff.Between(before, after)[0]).TopicPartition);
    }

    [Fact]
    public void M4_leader_epoch_bump_alone_is_a_leader_change()
    {
        // Re-elected: the same broker leads a new term (e.g. after an ISR change or a controller move).
        var before = Snapshot(Topic("orders", [Partition(0, 1, epoch: 5, replicas: [1, 2])]));

        var after = before.Then(Response(Topic("orders", [Partition(0, 1, epoch: 6, replicas: [1, 2])])));

        Assert.Equal([new LeaderChanged("orders", 0, 1, 1, 5, 6)], ClusterDiff.Between(before, after));
    }

    [Fact]
    public void M4_leader_to_none_and_back()
    {
        var before = Snapshot(Topic("orders", [Partition(0, 1, epoch: 5, replicas: [1], isr: [1])]));

        var offline = before.Then(Response(Topic("orders", [Partition(0, -1, epoch: 6, replicas: [1], isr: [1], error: ErrorCode.LeaderNotAvailable)])));
        var back = offline.Then(Response(Topic("orders", [Partition(0, 1, epoch: 7, replicas: [1], isr: [1])])));

        Assert.Equal([new LeaderChanged("orders", 0, 1, -1, 5, 6)], ClusterDiff.Between(before, offline));
        Assert.Equal([new LeaderChanged("orders", 0, -1, 1, 6, 7)], ClusterDiff.Between(offline, back));
    }

    [Fact]
    public void M4_isr_replicas_and_offline_replicas_changed()
    {
        var before = Snapshot(Topic("orders",
        [
            Partition(0, 1, epoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3]),
            Partition(1, 2, epoch: 1, replicas: [2, 3, 1], isr: [2, 3, 1]),
            Partition(2, 3, epoch: 1, replicas: [3, 1, 2], isr: [3, 1, 2]),
        ]));

        var after = before.Then(Response(Topic("orders",
        [
            Partition(0, 1, epoch: 1, replicas: [1, 2, 3], isr: [1, 3]),
            Partition(1, 2, epoch: 1, replicas: [2, 3, 4], isr: [2, 3, 1]),
            Partition(2, 3, epoch: 1, replicas: [3, 1, 2], isr: [3, 2], offline: [1]),
        ])));

        Assert.Equal(
            [
                new IsrChanged("orders", 0, [1, 2, 3], [1, 3]),
                new ReplicasChanged("orders", 1, [2, 3, 1], [2, 3, 4]),
                new IsrChanged("orders", 2, [3, 1, 2], [3, 2]),
                new OfflineReplicasChanged("orders", 2, [], [1]),
            ],
            ClusterDiff.Between(before, after));
    }

    [Fact]
    public void M4_coordinator_found_moved_and_forgotten()
    {
        var snapshot = Snapshot(Topic("orders", Partitions(1)));
        var broker1 = snapshot.GetBroker(1)!;
        var broker2 = snapshot.GetBroker(2)!;

        var found = snapshot.WithCoordinator(CoordinatorType.Group, "billing", broker1, T0);
        var moved = found.WithCoordinator(CoordinatorType.Group, "billing", broker2, T0);
        var forgotten = moved.WithoutCoordinator(CoordinatorType.Group, "billing", T0);

        Assert.Equal([new CoordinatorChanged(CoordinatorType.Group, "billing", null, broker1)], ClusterDiff.Between(snapshot, found));
        Assert.Equal([new CoordinatorChanged(CoordinatorType.Group, "billing", broker1, broker2)], ClusterDiff.Between(found, moved));
        Assert.Equal([new CoordinatorChanged(CoordinatorType.Group, "billing", broker2, null)], ClusterDiff.Between(moved, forgotten));
    }

    [Fact]
    public void M4_changes_come_in_the_documented_order()
    {
        // Brokers by node id, the controller, topics by ordinal name (each: removal and addition,
        // partitions added or removed, then per partition leader, ISR, replicas, offline replicas),
        // topic errors, coordinators (group before transaction, then by key).
        var before = Snapshot(Response(
            [
                Topic("orders", [Partition(0, 1, epoch: 1, replicas: [1, 2], isr: [1, 2]), Partition(1, 2, epoch: 1, replicas: [2, 3])], id: OrdersId),
                Topic("Zeta", Partitions(1)),
                Topic("alpha", Partitions(2)),
                Failed("payments", ErrorCode.LeaderNotAvailable),
            ],
            controller: 1,
            brokers: [Broker(3), Broker(1), Broker(2)]))
            .WithCoordinator(CoordinatorType.Transaction, "tx-1", new BrokerNode(3, "broker-3.kafka.internal", 9092), T0);

        var after = before.Then(Response(
            [
                Topic("orders", [Partition(0, 2, epoch: 2, replicas: [2, 1], isr: [2], offline: [1]), Partition(1, 2, epoch: 1, replicas: [2, 3]), Partition(2, 3, epoch: 0, replicas: [3])], id: OrdersId),
                Topic("alpha", Partitions(1)),
                Topic("beta", Partitions(1)),
                Failed("payments", ErrorCode.TopicAuthorizationFailed),
            ],
            controller: 2,
            brokers: [Broker(4), Broker(2), Broker(1, host: "broker-1b.kafka.internal")]))
            .WithCoordinator(CoordinatorType.Transaction, "tx-1", new BrokerNode(4, "broker-4.kafka.internal", 9092), T0)
            .WithCoordinator(CoordinatorType.Group, "z-group", new BrokerNode(2, "broker-2.kafka.internal", 9092), T0)
            .WithCoordinator(CoordinatorType.Group, "a-group", new BrokerNode(1, "broker-1b.kafka.internal", 9092), T0);

        Assert.Equal(
            [
                "broker 1 moved from 1 (broker-1.kafka.internal:9092) to 1 (broker-1b.kafka.internal:9092)",
                "broker 3 (broker-3.kafka.internal:9092) removed",
                "broker 4 (broker-4.kafka.internal:9092) added",
                "controller changed from 1 to 2",
                "topic Zeta removed",
                "topic alpha: 1 partition removed (1)",
                "topic beta (1 partition) added",
                "topic orders: 1 partition added (2)",
                "leader of orders-0 moved 1 -> 2 (epoch 1 -> 2)",
                "isr of orders-0 [1,2] -> [2]",
                "replicas of orders-0 [1,2] -> [2,1]",
                "offline replicas of orders-0 [] -> [1]",
                "topic payments error LeaderNotAvailable -> TopicAuthorizationFailed",
                "group coordinator of 'a-group' none -> 1",
                "group coordinator of 'z-group' none -> 2",
                "transaction coordinator of 'tx-1' 3 -> 4",
            ],
            ClusterDiff.Between(before, after).Select(c => c.ToString()));
    }

    [Fact]
    public void M4_LINQ_over_change_sets_finds_the_leader_moves_of_one_topic()
    {
        // Four updates: orders-0 moves 1 → 2, invoices-0 moves, orders-1 loses its leader, orders-0 is re-elected.
        ClusterSnapshot[] history =
        [
            Snapshot(Topic("orders", [Partition(0, 1, epoch: 1), Partition(1, 2, epoch: 1)]), Topic("invoices", [Partition(0, 1, epoch: 1)])),
        ];
        (int Orders0, int Epoch0, int Orders1, int Invoices0)[] updates = [(2, 2, 2, 1), (2, 2, 2, 3), (2, 2, -1, 3), (2, 3, -1, 3)];
        foreach (var (orders0, epoch0, orders1, invoices0) in updates)
        {
            history = [.. history, history[^1].Then(Response(
                Topic("orders", [Partition(0, orders0, epoch: epoch0, replicas: [1]), Partition(1, orders1, epoch: orders1 < 0 ? 2 : 1, replicas: [2])]),
                Topic("invoices", [Partition(0, invoices0, epoch: invoices0, replicas: [1])])))];
        }

        var changeSets = history.Zip(history.Skip(1), (previous, current) => new ClusterChangeSet(previous, current, ClusterDiff.Between(previous, current))).ToList();

        var ordersLeaders =
            from set in changeSets
            from change in set.Changes.OfType<LeaderChanged>()
            where change.Topic == "orders"
            select (set.Current.Generation, change.Partition, change.PreviousLeader, change.Leader);

        Assert.Equal([(2L, 0, 1, 2), (4L, 1, 2, -1), (5L, 0, 2, 2)], ordersLeaders);
    }
}
