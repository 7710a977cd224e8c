using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using static RxKafka.Tests.Cluster.Metadata;

namespace RxKafka.Tests.Cluster;

/// <summary>
/// <see cref="ClusterSnapshot.Apply"/> (M1, M2) and the snapshot's queries (M5), with Metadata
/// answers sent through the codec at the version under test.
/// </summary>
public sealed class ClusterSnapshotApplyTests
{
    /// <summary>An answer with something for every versioned field, and each kind of topic error.</summary>
    private static MetadataResponse Everything() => Response(
        [
            Topic(
                "orders",
                [
                    Partition(0, leader: 1, epoch: 5, replicas: [1, 2, 3], isr: [1, 2], offline: [3]),
                    Partition(1, leader: -1, epoch: 4, replicas: [2, 3], isr: [], error: ErrorCode.LeaderNotAvailable),
                    Partition(2, leader: 3, epoch: 7, replicas: [3, 1]),
                ],
                id: OrdersId),
            Topic("__consumer_offsets", Partitions(2), id: OffsetsId, isInternal: true),
            // Internal by the flag alone: a v0 answer cannot say so.
            Topic("__share_group_state", Partitions(1), isInternal: true),
            Failed("payments", ErrorCode.TopicAuthorizationFailed),
            Failed("missing", ErrorCode.UnknownTopicOrPartition),
        ],
        controller: 2,
        clusterId: "cluster-a");

    [Theory]
    [MemberData(nameof(AllVersions), MemberType = typeof(Metadata))]
    public void M2_every_Metadata_version_gives_what_it_carries_and_lacks_the_rest(short version)
    {
        var snapshot = Snapshot(Everything().AtVersion(version));

        Assert.Equal(1, snapshot.Generation);
        Assert.Equal(T0, snapshot.UpdatedAt);

        // Brokers: host and port always, rack from v1.
        Assert.Equal([1, 2, 3], snapshot.GetBrokers().Select(b => b.NodeId));
        Assert.Equal(new BrokerNode(1, "broker-1.kafka.internal", 9092, version >= 1 ? "rack-a" : null), snapshot.GetBroker(1));

        // Cluster id from v2, controller from v1 (v0: -1, so no controller).
        Assert.Equal(version >= 2 ? "cluster-a" : null, snapshot.ClusterId);
        Assert.Equal(version >= 1 ? 2 : -1, snapshot.ControllerId);
        Assert.Equal(version >= 1 ? snapshot.GetBroker(2) : null, snapshot.GetController());

        // Internal topics: the flag from v1; in v0 Kafka's own topics by name only.
        Assert.Equal(["__consumer_offsets", "__share_group_state", "orders"], snapshot.GetTopics());
        Assert.Equal(version >= 1 ? ["__consumer_offsets", "__share_group_state"] : ["__consumer_offsets"], snapshot.InternalTopics.Order(StringComparer.Ordinal));
        Assert.Equal(version >= 1 ? ["orders"] : ["__share_group_state", "orders"], snapshot.GetTopics(includeInternal: false));
        Assert.True(snapshot.Topics["__consumer_offsets"].IsInternal);

        // Partitions: leader epoch from v7, offline replicas from v5, errors always.
        var p0 = snapshot.GetPartition("orders", 0)!;
        Assert.Equal(1, p0.Leader);
        Assert.Equal(version >= 7 ? 5 : -1, p0.LeaderEpoch);
        Assert.Equal([1, 2, 3], p0.Replicas);
        Assert.Equal([1, 2], p0.Isr);
        Assert.Equal(version >= 5 ? [3] : [], p0.OfflineReplicas);
        var p1 = snapshot.GetPartition("orders", 1)!;
        Assert.Equal(ErrorCode.LeaderNotAvailable, p1.Error);
        Assert.False(p1.IsAvailable);
        Assert.Equal(version >= 7 ? 7 : -1, snapshot.GetPartition("orders", 2)!.LeaderEpoch);

        // Topic ids from v10.
        Assert.Equal(version >= 10 ? OrdersId : Guid.Empty, snapshot.Topics["orders"].TopicId);
        Assert.Equal(version >= 10 ? "orders" : null, snapshot.GetTopicName(OrdersId));

        // Topic errors at every version.
        Assert.Equal(["payments"], snapshot.UnauthorizedTopics);
        Assert.Equal(new Dictionary<string, ErrorCode> { ["missing"] = ErrorCode.UnknownTopicOrPartition }, snapshot.TopicErrors);
    }

    [Theory]
    [MemberData(nameof(AllVersions), MemberType = typeof(Metadata))]
    public void M2_leader_minus_one_is_known_but_unavailable(short version)
    {
        var snapshot = Snapshot(Response(Topic("orders", [Partition(0, 1), Partition(1, -1, replicas: [2, 3], isr: []), Partition(2, 3)])).AtVersion(version));

        var partition = snapshot.GetPartition("orders", 1);
        Assert.NotNull(partition);
        Assert.False(partition.IsAvailable);
        Assert.Equal([0, 1, 2], snapshot.GetPartitions("orders"));
        Assert.Equal([0, 2], snapshot.GetAvailablePartitions("orders"));
        Assert.Equal(-1, snapshot.GetLeader("orders", 1));
        Assert.Equal(1, snapshot.GetLeader("orders", 0));
        Assert.DoesNotContain(new TopicPartition("orders", 1), snapshot.GetPartitionsLedBy(-1));
    }

    [Fact]
    public void M5_an_unknown_topic_or_partition_is_null()
    {
        var snapshot = Snapshot(Topic("orders", Partitions(3)));

        Assert.Null(snapshot.GetLeader("orders", 3));
        Assert.Null(snapshot.GetLeader("orders", -1));
        Assert.Null(snapshot.GetLeader("invoices", 0));
        Assert.Null(snapshot.GetPartition("invoices", 0));
        Assert.Null(snapshot.GetPartition(new TopicPartition("orders", 7)));
        Assert.Null(snapshot.GetPartitions("invoices"));
        Assert.Empty(snapshot.GetAvailablePartitions("invoices"));
        Assert.Null(snapshot.GetBroker(42));
        Assert.Null(snapshot.GetBroker(-1));
        Assert.Null(snapshot.GetTopicName(Guid.NewGuid()));
    }

    [Fact]
    public void M5_partitions_answered_out_of_order_are_kept_by_index()
    {
        var snapshot = Snapshot(Topic("orders", [Partition(2, 3), Partition(0, 1), Partition(1, 2)]));

        Assert.Equal([0, 1, 2], snapshot.GetPartitions("orders"));
        Assert.Equal(2, snapshot.GetLeader("orders", 1));
    }

    [Theory]
    [MemberData(nameof(AllVersions), MemberType = typeof(Metadata))]
    public void M2_topic_authorization_failed_goes_to_UnauthorizedTopics_and_not_to_Topics(short version)
    {
        var snapshot = Snapshot(Response(Topic("orders", Partitions(1)), Failed("payments", ErrorCode.TopicAuthorizationFailed)).AtVersion(version));

        Assert.Equal(["payments"], snapshot.UnauthorizedTopics);
        Assert.False(snapshot.Topics.ContainsKey("payments"));
        Assert.False(snapshot.TopicErrors.ContainsKey("payments"));
        Assert.Null(snapshot.GetPartitions("payments"));
        Assert.Equal(["orders"], snapshot.GetTopics());
    }

    [Theory]
    [InlineData(ErrorCode.UnknownTopicOrPartition)]
    [InlineData(ErrorCode.LeaderNotAvailable)]
    [InlineData(ErrorCode.InvalidTopicException)]
    public void M2_other_topic_errors_are_kept_per_topic(ErrorCode error)
    {
        var snapshot = Snapshot(Response(Topic("orders", Partitions(1)), Failed("invoices", error)).AtVersion(1));

        Assert.Equal(error, snapshot.TopicErrors["invoices"]);
        Assert.False(snapshot.Topics.ContainsKey("invoices"));
        Assert.Empty(snapshot.UnauthorizedTopics);
        Assert.Equal(["orders"], snapshot.GetTopics());
    }

    [Fact]
    public void M2_a_topic_error_that_comes_with_partitions_keeps_both()
    {
        // A topic still being created can answer LEADER_NOT_AVAILABLE with partitions that have no leader yet.
        var snapshot = Snapshot(Topic("invoices", [Partition(0, -1, error: ErrorCode.LeaderNotAvailable)], error: ErrorCode.LeaderNotAvailable));

        Assert.Equal(ErrorCode.LeaderNotAvailable, snapshot.TopicErrors["invoices"]);
        Assert.Equal(ErrorCode.LeaderNotAvailable, snapshot.Topics["invoices"].Error);
        Assert.Equal([0], snapshot.GetPartitions("invoices"));
        Assert.Empty(snapshot.GetAvailablePartitions("invoices"));
    }

    [Theory]
    [MemberData(nameof(AllVersions), MemberType = typeof(Metadata))]
    public void M2_partition_errors_are_kept(short version)
    {
        var snapshot = Snapshot(Response(Topic("orders",
        [
            Partition(0, 1, replicas: [1, 2], isr: [1], error: ErrorCode.ReplicaNotAvailable),
            Partition(1, -1, replicas: [2], isr: [], error: ErrorCode.LeaderNotAvailable),
            Partition(2, 3),
        ])).AtVersion(version));

        Assert.Equal(
            [ErrorCode.ReplicaNotAvailable, ErrorCode.LeaderNotAvailable, ErrorCode.None],
            snapshot.Topics["orders"].Partitions.Select(p => p.Error));
        Assert.Equal([0, 2], snapshot.GetAvailablePartitions("orders"));
        Assert.Empty(snapshot.TopicErrors);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12)]
    public void M5_internal_topics_by_flag_and_by_name_and_GetTopics_without_them(short version)
    {
        var snapshot = Snapshot(Response(
            Topic("orders", Partitions(1)),
            Topic("__consumer_offsets", Partitions(1), isInternal: true),
            Topic("__transaction_state", Partitions(1), isInternal: true),
            Topic("_schemas", Partitions(1))).AtVersion(version));

        Assert.Equal(["__consumer_offsets", "__transaction_state"], snapshot.InternalTopics.Order(StringComparer.Ordinal));
        Assert.Equal(["__consumer_offsets", "__transaction_state", "_schemas", "orders"], snapshot.GetTopics());
        Assert.Equal(["_schemas", "orders"], snapshot.GetTopics(includeInternal: false));
        Assert.True(snapshot.Topics["__transaction_state"].IsInternal);
        Assert.False(snapshot.Topics["_schemas"].IsInternal);
    }

    [Fact]
    public void M2_an_answer_for_every_topic_replaces_every_topic()
    {
        var before = Snapshot(
            Topic("orders", Partitions(2)),
            Topic("invoices", Partitions(1)),
            Topic("__consumer_offsets", Partitions(1), isInternal: true),
            Failed("payments", ErrorCode.TopicAuthorizationFailed),
            Failed("missing", ErrorCode.UnknownTopicOrPartition));

        var after = before.Then(Response(Topic("invoices", Partitions(1)), Topic("refunds", Partitions(3))));

        Assert.Equal(["invoices", "refunds"], after.GetTopics());
        Assert.Empty(after.UnauthorizedTopics);
        Assert.Empty(after.TopicErrors);
        Assert.Empty(after.InternalTopics);
        Assert.Same(before.Topics["invoices"], after.Topics["invoices"]);
    }

    [Fact]
    public void M2_an_answer_for_named_topics_replaces_only_those_and_drops_a_named_topic_it_leaves_out()
    {
        var before = Snapshot(
            Topic("orders", Partitions(2)),
            Topic("invoices", Partitions(1)),
            Topic("refunds", Partitions(1)),
            Topic("__consumer_offsets", Partitions(1), isInternal: true),
            Failed("payments", ErrorCode.TopicAuthorizationFailed),
            Failed("audit", ErrorCode.TopicAuthorizationFailed),
            Failed("missing", ErrorCode.UnknownTopicOrPartition),
            Failed("creating", ErrorCode.LeaderNotAvailable));

        // Asked: orders (now with 3 partitions), invoices (left out of the answer), payments (now
        // allowed), missing (still missing), creating (created). Everything else is kept as it was.
        var after = before.Then(
            Response(Topic("orders", Partitions(3)), Topic("payments", Partitions(1)), Failed("missing", ErrorCode.UnknownTopicOrPartition), Topic("creating", Partitions(1))),
            requestedTopics: ["orders", "invoices", "payments", "missing", "creating"]);

        Assert.Equal(["__consumer_offsets", "creating", "orders", "payments", "refunds"], after.GetTopics());
        Assert.Equal([0, 1, 2], after.GetPartitions("orders"));
        Assert.Same(before.Topics["refunds"], after.Topics["refunds"]);
        Assert.Same(before.Topics["__consumer_offsets"], after.Topics["__consumer_offsets"]);
        Assert.Equal(["__consumer_offsets"], after.InternalTopics);
        Assert.Equal(["audit"], after.UnauthorizedTopics);
        Assert.Equal(new Dictionary<string, ErrorCode> { ["missing"] = ErrorCode.UnknownTopicOrPartition }, after.TopicErrors);
    }

    [Fact]
    public void M2_a_topic_in_an_answer_for_named_topics_replaces_what_was_known_of_it_even_when_asked_for_by_id()
    {
        var before = Snapshot(Response(
            Topic("orders", [Partition(0, -1, replicas: [1], isr: [], error: ErrorCode.LeaderNotAvailable)], id: OrdersId, error: ErrorCode.LeaderNotAvailable),
            Topic("payments", Partitions(1), id: PaymentsId)).AtVersion(12));

        // Asked for by id (no names): the v12 answer leaves the names out too.
        var after = before.Then(
            Response(Topic(null, Partitions(1), id: OrdersId), Topic(null, [], id: PaymentsId, error: ErrorCode.TopicAuthorizationFailed)).AtVersion(12),
            requestedTopics: []);

        Assert.Equal(["orders"], after.GetTopics());
        Assert.Empty(after.TopicErrors);
        Assert.Equal(ErrorCode.None, after.Topics["orders"].Error);
        Assert.Equal(["payments"], after.UnauthorizedTopics);
    }

    [Fact]
    public void M2_coordinators_and_bootstrap_brokers_carry_over()
    {
        var bootstrap = ClusterSnapshot.FromBootstrap([new BrokerEndpoint("seed-1", 9092), new BrokerEndpoint("seed-2", 9093)]);
        var withCoordinator = bootstrap.WithCoordinator(CoordinatorType.Group, "billing", new BrokerNode(2, "broker-2.kafka.internal", 9092), T0);

        var after = withCoordinator.Then(Response(Topic("orders", Partitions(1)))).Then(Response(Topic("orders", Partitions(2))));

        Assert.Same(withCoordinator.Coordinators, after.Coordinators);
        Assert.Equal(new BrokerNode(2, "broker-2.kafka.internal", 9092), after.GetCoordinator(CoordinatorType.Group, "billing"));
        Assert.Same(bootstrap.BootstrapBrokers, after.BootstrapBrokers);
        Assert.Equal([new BrokerNode(-1, "seed-1", 9092), new BrokerNode(-2, "seed-2", 9093)], after.BootstrapBrokers);
    }

    [Fact]
    public void M2_what_did_not_change_is_the_same_object_after_apply()
    {
        var orders = Topic("orders", Partitions(3, epoch: 1), id: OrdersId);
        var invoices = Topic("invoices", Partitions(2, epoch: 1));
        var first = Snapshot(Response([orders, invoices]).AtVersion(12));
        var ledBy1 = first.GetPartitionsLedBy(1);
        var sortedBrokers = first.GetBrokers();

        // The same answer again: every topic, partition and broker is reused.
        var again = first.Then(Response([orders, invoices]).AtVersion(12));
        Assert.NotSame(first, again);
        Assert.Same(first.Topics["orders"], again.Topics["orders"]);
        Assert.Same(first.Topics["invoices"], again.Topics["invoices"]);
        foreach (var id in new[] { 1, 2, 3 })
        {
            Assert.Same(first.GetBroker(id), again.GetBroker(id));
        }

        // ... and so are the collections, and what the queries had worked out from them.
        Assert.Same(first.Topics, again.Topics);
        Assert.Same(first.Brokers, again.Brokers);
        Assert.Same(ledBy1, again.GetPartitionsLedBy(1));
        Assert.Same(sortedBrokers, again.GetBrokers());

        // One partition of orders moves, broker 3 changes rack: only those are new objects.
        orders.Partitions[1] = Partition(1, leader: 3, epoch: 2, replicas: [2, 3, 1]);
        var brokers = Brokers();
        brokers[2].Rack = "rack-z";
        var moved = again.Then(Response([orders, invoices], brokers: brokers).AtVersion(12));
        Assert.NotSame(again.Topics["orders"], moved.Topics["orders"]);
        Assert.Same(again.GetPartition("orders", 0), moved.GetPartition("orders", 0));
        Assert.NotSame(again.GetPartition("orders", 1), moved.GetPartition("orders", 1));
        Assert.Same(again.GetPartition("orders", 2), moved.GetPartition("orders", 2));
        Assert.Same(again.Topics["invoices"], moved.Topics["invoices"]);
        Assert.NotSame(again.Topics, moved.Topics);
        Assert.Same(again.GetBroker(1), moved.GetBroker(1));
        Assert.NotSame(again.GetBroker(3), moved.GetBroker(3));
        Assert.Equal("rack-z", moved.GetBroker(3)!.Rack);
    }

    [Fact]
    public void M2_KIP320_a_partition_with_an_older_leader_epoch_keeps_the_known_one()
    {
        var before = Snapshot(Response(Topic("orders", [Partition(0, 1, epoch: 5), Partition(1, 2, epoch: 5)], id: OrdersId)).AtVersion(7));

        // A broker that has not heard of epoch 5 yet answers epoch 4 for partition 0; partition 1 moved on to 6.
        var after = before.Then(Response(Topic("orders", [Partition(0, 2, epoch: 4), Partition(1, 3, epoch: 6)], id: OrdersId)).AtVersion(7));

        Assert.Same(before.GetPartition("orders", 0), after.GetPartition("orders", 0));
        Assert.Equal(1, after.GetLeader("orders", 0));
        Assert.Equal(5, after.GetPartition("orders", 0)!.LeaderEpoch);
        Assert.Equal(3, after.GetLeader("orders", 1));
        Assert.Equal(6, after.GetPartition("orders", 1)!.LeaderEpoch);
    }

    [Fact]
    public void M2_KIP320_without_leader_epochs_the_answer_is_taken()
    {
        var before = Snapshot(Response(Topic("orders", [Partition(0, 1, epoch: 5)])).AtVersion(7));

        // An older broker (Metadata v6) sends no epoch: nothing says the answer is stale.
        var after = before.Then(Response(Topic("orders", [Partition(0, 2, epoch: 4)])).AtVersion(6));

        Assert.Equal(2, after.GetLeader("orders", 0));
        Assert.Equal(-1, after.GetPartition("orders", 0)!.LeaderEpoch);
    }

    [Fact]
    public void M2_KIP320_a_recreated_topic_takes_the_new_partitions_whatever_their_epoch()
    {
        var before = Snapshot(Response(Topic("orders", [Partition(0, 1, epoch: 9), Partition(1, 2, epoch: 9)], id: OrdersId)).AtVersion(10));
        var recreatedId = Guid.Parse("0b9f1d33-8a3c-4f55-9d41-7c1c8d2e0009");

        var after = before.Then(Response(Topic("orders", [Partition(0, 3, epoch: 0)], id: recreatedId)).AtVersion(10));

        Assert.Equal(recreatedId, after.Topics["orders"].TopicId);
        Assert.Equal([0], after.GetPartitions("orders"));
        Assert.Equal(3, after.GetLeader("orders", 0));
        Assert.Equal(0, after.GetPartition("orders", 0)!.LeaderEpoch);
        Assert.Equal("orders", after.GetTopicName(recreatedId));
        Assert.Null(after.GetTopicName(OrdersId));
    }

    [Fact]
    public void M2_v12_a_topic_without_a_name_is_found_by_its_id_in_the_previous_snapshot()
    {
        var before = Snapshot(Response(Topic("orders", Partitions(2, epoch: 1), id: OrdersId)).AtVersion(12));

        var after = before.Then(Response(
            Topic(null, [Partition(0, 2, epoch: 2), Partition(1, 2, epoch: 1, replicas: [2, 3, 1])], id: OrdersId),
            Topic(null, Partitions(1), id: PaymentsId)).AtVersion(12));

        Assert.Equal(["orders"], after.GetTopics());
        Assert.Equal(2, after.GetLeader("orders", 0));
        Assert.Equal(2, after.GetPartition("orders", 0)!.LeaderEpoch);
        Assert.Equal("orders", after.GetPartition("orders", 0)!.Topic);
        Assert.Equal(OrdersId, after.Topics["orders"].TopicId);
        // The nameless topic whose id nobody knows is left out.
        Assert.Null(after.GetTopicName(PaymentsId));
    }

    [Fact]
    public void M5_GetPartitionsLedBy_orders_by_topic_then_partition()
    {
        var snapshot = Snapshot(
            Topic("orders", [Partition(0, 2), Partition(1, 1), Partition(2, 2), Partition(3, -1)]),
            Topic("invoices", [Partition(0, 2), Partition(1, 3)]));

        Assert.Equal(
            [new TopicPartition("invoices", 0), new TopicPartition("orders", 0), new TopicPartition("orders", 2)],
            snapshot.GetPartitionsLedBy(2));
        Assert.Equal([new TopicPartition("orders", 1)], snapshot.GetPartitionsLedBy(1));
        Assert.Empty(snapshot.GetPartitionsLedBy(4));
        Assert.Empty(snapshot.GetPartitionsLedBy(-1));
    }

    [Fact]
    public void M5_GetBrokers_falls_back_to_the_bootstrap_brokers_until_the_metadata_names_some()
    {
        var bootstrap = ClusterSnapshot.FromBootstrap([new BrokerEndpoint("seed-1", 9092), new BrokerEndpoint("seed-2", 9093), new BrokerEndpoint("seed-3", 9094)]);

        Assert.Equal([-1, -2, -3], bootstrap.GetBrokers().Select(b => b.NodeId));
        Assert.All(bootstrap.GetBrokers(), b => Assert.True(b.IsBootstrap));
        Assert.Equal(new BrokerNode(-2, "seed-2", 9093), bootstrap.GetBroker(-2));
        Assert.Empty(ClusterSnapshot.Empty.GetBrokers());

        var known = bootstrap.Then(Response([], brokers: [Broker(3), Broker(1), Broker(2)]));
        Assert.Equal([1, 2, 3], known.GetBrokers().Select(b => b.NodeId));
        Assert.All(known.GetBrokers(), b => Assert.False(b.IsBootstrap));
        Assert.Equal("seed-1", known.GetBroker(-1)!.Host);

        // An answer naming no broker leaves only the bootstrap addresses again.
        Assert.Equal([-1, -2, -3], known.Then(Response([], brokers: [])).GetBrokers().Select(b => b.NodeId));
    }

    [Fact]
    public void M5_GetController_is_the_controller_broker_or_null()
    {
        Assert.Equal(new BrokerNode(3, "broker-3.kafka.internal", 9092, "rack-c"), Snapshot(Response([], controller: 3)).GetController());
        Assert.Null(Snapshot(Response([], controller: -1)).GetController());
        Assert.Null(Snapshot(Response([], controller: 7)).GetController()); // not among the brokers
        Assert.Null(ClusterSnapshot.Empty.GetController());
    }

    [Fact]
    public void M5_coordinators_are_recorded_by_purpose_replaced_and_forgotten()
    {
        var snapshot = Snapshot(Topic("orders", Partitions(1)));
        var broker1 = snapshot.GetBroker(1)!;
        var broker2 = snapshot.GetBroker(2)!;

        var found = snapshot.WithCoordinator(CoordinatorType.Group, "billing", broker1, T0.AddSeconds(1));
        Assert.Equal(snapshot.Generation + 1, found.Generation);
        Assert.Equal(T0.AddSeconds(1), found.UpdatedAt);
        Assert.Equal(broker1, found.GetCoordinator(CoordinatorType.Group, "billing"));
        Assert.Null(found.GetCoordinator(CoordinatorType.Transaction, "billing"));
        Assert.Null(snapshot.GetCoordinator(CoordinatorType.Group, "billing"));
        Assert.Same(snapshot.Topics, found.Topics);
        Assert.Same(snapshot.Brokers, found.Brokers);

        var both = found.WithCoordinator(CoordinatorType.Transaction, "billing", broker2, T0);
        var moved = both.WithCoordinator(CoordinatorType.Group, "billing", broker2, T0);
        Assert.Equal(broker2, moved.GetCoordinator(CoordinatorType.Group, "billing"));
        Assert.Equal(broker2, moved.GetCoordinator(CoordinatorType.Transaction, "billing"));
        Assert.Equal(2, moved.Coordinators.Count);

        var forgotten = moved.WithoutCoordinator(CoordinatorType.Group, "billing", T0);
        Assert.Null(forgotten.GetCoordinator(CoordinatorType.Group, "billing"));
        Assert.Equal(broker2, forgotten.GetCoordinator(CoordinatorType.Transaction, "billing"));
        Assert.Equal(moved.Generation + 1, forgotten.Generation);

        // Forgetting what was never recorded is no update.
        Assert.Same(forgotten, forgotten.WithoutCoordinator(CoordinatorType.Group, "shipping", T0));
    }

    [Fact]
    public void M1_each_apply_is_one_generation_later()
    {
        var first = ClusterSnapshot.Empty.Apply(Response(Topic("orders", Partitions(1))), T0);
        var second = first.Apply(Response(Topic("orders", Partitions(1))), T0.AddMinutes(5));

        Assert.Equal(0, ClusterSnapshot.Empty.Generation);
        Assert.Equal(1, first.Generation);
        Assert.Equal(2, second.Generation);
        Assert.Equal(T0.AddMinutes(5), second.UpdatedAt);
    }

    [Fact]
    public void M1_apply_leaves_the_snapshot_it_is_applied_to_as_it_was()
    {
        var a = ClusterSnapshot.FromBootstrap([new BrokerEndpoint("seed-1", 9092)])
            .Then(Everything().AtVersion(12))
            .WithCoordinator(CoordinatorType.Group, "billing", new BrokerNode(1, "broker-1.kafka.internal", 9092, "rack-a"), T0);
        var before = Dump(a);

        // Every kind of change at once, answered for every topic and for named topics.
        var changed = Response(
            [
                Topic("orders", [Partition(0, 2, epoch: 6, replicas: [2, 3]), Partition(3, 1, epoch: 0)], id: OrdersId),
                Topic("payments", Partitions(2)),
                Failed("__consumer_offsets", ErrorCode.TopicAuthorizationFailed),
            ],
            controller: 3,
            clusterId: "cluster-b",
            brokers: [Broker(1, "rack-z"), Broker(4)]).AtVersion(12);
        var b = a.Then(changed);
        var c = a.Then(changed, requestedTopics: ["orders", "missing", "payments"]);

        Assert.Equal(before, Dump(a));
        Assert.NotEqual(before, Dump(b));
        Assert.NotEqual(before, Dump(c));
        Assert.Equal(a.Generation + 1, b.Generation);
    }
}
