// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster: routing, the model's Metadata and FindCoordinator answers at every version, faults and timing, in virtual time.</summary>
public sealed class ScriptedClusterTests : ReactiveTest
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);
    private readonly TestScheduler _scheduler = new();
    private readonly ScriptedCluster _cluster;

    public ScriptedClusterTests() => _cluster = new ScriptedCluster(_scheduler);

    private ConnectionOptions Options => new() { Scheduler = _scheduler };

    private Task<KafkaConnection> StartConnect(int nodeId) => KafkaConnection.ConnectAsync(_cluster.Endpoint(nodeId), _cluster, Options);

    private KafkaConnection Connect(int nodeId = 1)
    {
        var task = StartConnect(nodeId);
        Assert.True(_scheduler.AdvanceUntilCompleted(task, Budget), $"connecting to broker {nodeId} did not finish");
        Assert.True(task.IsCompletedSuccessfully, $"connect failed: {task.Exception?.InnerException?.Message}");
        return task.Result;
    }

    private TResponse Ask<TResponse>(KafkaConnection connection, KafkaRequest<TResponse> request, short version)
        where TResponse : KafkaResponse
    {
        var task = connection.Send(request, version).ToTask();
        Assert.True(_scheduler.AdvanceUntilCompleted(task, Budget), $"{request.ApiKey} v{version} got no answer");
        return task.Result;
    }

    private MetadataResponse Metadata(KafkaConnection connection, short version, params string[] topics) =>
        Ask(connection, new MetadataRequest { Topics = [.. topics.Select(t => new MetadataRequest.MetadataRequestTopic { Name = t })] }, version);

    private static string Describe(MetadataResponse.MetadataResponsePartition p) =>
        $"{p.PartitionIndex}: {(ErrorCode)p.ErrorCode} leader {p.LeaderId} epoch {p.LeaderEpoch} replicas [{string.Join(",", p.ReplicaNodes)}] isr [{string.Join(",", p.IsrNodes)}] offline [{string.Join(",", p.OfflineReplicas)}]";

    private static string[] Describe(MetadataResponse.MetadataResponseTopic topic) => topic.Partitions.Select(Describe).ToArray();

    // ------------------------------------------------------------------ Metadata from the model

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(12)]
    public void Metadata_at_each_version_reports_the_model_with_the_fields_that_version_has(short version)
    {
        _cluster.ClusterId = "cluster-x";
        _cluster.ControllerId = 2;
        _cluster.SetBrokerRack(2, "rack-b");
        _cluster.CreateTopic("orders", 3);
        _cluster.CreateTopic("__consumer_offsets", 1, isInternal: true);
        _cluster.SetPartitionLeader("orders", 1, 3);
        _cluster.SetOfflineReplicas("orders", 2, 1);

        // All topics: an empty list at v0, null from v1 on.
        var response = Ask(Connect(), new MetadataRequest { Topics = version == 0 ? [] : null }, version);

        Assert.Equal(
            [(1, "broker-1", 9092, null), (2, "broker-2", 9092, version >= 1 ? "rack-b" : null), (3, "broker-3", 9092, null)],
            response.Brokers.Select(b => (b.NodeId, b.Host, b.Port, b.Rack)));
        Assert.Equal(version >= 2 ? "cluster-x" : null, response.ClusterId);
        Assert.Equal(version >= 1 ? 2 : -1, response.ControllerId);
        Assert.Equal(["__consumer_offsets", "orders"], response.Topics.Select(t => t.Name));
        Assert.Equal(version >= 1, response.Topics[0].IsInternal);
        var orders = response.Topics[1];
        Assert.Equal(0, orders.ErrorCode);
        Assert.False(orders.IsInternal);
        Assert.Equal(version >= 10 ? _cluster.TopicId("orders") : Guid.Empty, orders.TopicId);
        var epoch = version >= 7 ? 0 : -1;
        var moved = version >= 7 ? 1 : -1;
        var offline = version >= 5 ? "1" : "";
        Assert.Equal(
            [
                $"0: None leader 1 epoch {epoch} replicas [1,2,3] isr [1,2,3] offline []",
                $"1: None leader 3 epoch {moved} replicas [2,3,1] isr [2,3,1] offline []",
                $"2: None leader 3 epoch {epoch} replicas [3,1,2] isr [3,1,2] offline [{offline}]",
            ],
            Describe(orders));
        Assert.Equal(version, _cluster.MetadataRequests[^1].Request.Version);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(12)]
    public void Metadata_answers_all_topics_for_null_none_for_an_empty_list_and_the_named_ones_in_order(short version)
    {
        _cluster.CreateTopic("a", 1);
        _cluster.CreateTopic("b", 2);
        _cluster.CreateTopic("c", 1);
        var connection = Connect();

        Assert.Equal(["a", "b", "c"], Ask(connection, new MetadataRequest { Topics = null }, version).Topics.Select(t => t.Name));
        var none = Ask(connection, new MetadataRequest { Topics = [] }, version);
        Assert.Empty(none.Topics);
        Assert.Equal(3, none.Brokers.Count);
        var named = Metadata(connection, version, "c", "a", "c");
        Assert.Equal(["c", "a"], named.Topics.Select(t => t.Name));
        Assert.All(named.Topics, t => Assert.Single(t.Partitions));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(12)]
    public void A_named_unknown_topic_is_auto_created_answering_LEADER_NOT_AVAILABLE_first_then_the_topic(short version)
    {
        _cluster.AutoCreatePartitions = 2;
        var connection = Connect();

        var first = Assert.Single(Metadata(connection, version, "fresh").Topics);
        Assert.Equal((short)ErrorCode.LeaderNotAvailable, first.ErrorCode);
        Assert.Equal("fresh", first.Name);
        Assert.Empty(first.Partitions);

        var then = Assert.Single(Metadata(connection, version, "fresh").Topics);
        Assert.Equal(0, then.ErrorCode);
        Assert.Equal(["0: None leader 1", "1: None leader 2"], then.Partitions.Select(p => $"{p.PartitionIndex}: {(ErrorCode)p.ErrorCode} leader {p.LeaderId}"));
        Assert.Equal(["fresh"], _cluster.TopicNames);
    }

    [Fact]
    public void Without_auto_creation_an_unknown_topic_is_UNKNOWN_TOPIC_OR_PARTITION_and_stays_unknown()
    {
        var connection = Connect();

        // The request says no (v4+)...
        var refused = Ask(connection, new MetadataRequest { Topics = [new() { Name = "t" }], AllowAutoTopicCreation = false }, 4);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, Assert.Single(refused.Topics).ErrorCode);

        // ...or the cluster does.
        _cluster.AutoCreateTopics = false;
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, Assert.Single(Metadata(connection, 12, "t").Topics).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, Assert.Single(Metadata(connection, 1, "t").Topics).ErrorCode);
        Assert.Empty(_cluster.TopicNames);

        // An illegal name is never created.
        _cluster.AutoCreateTopics = true;
        Assert.Equal((short)ErrorCode.InvalidTopicException, Assert.Single(Metadata(connection, 12, "no spaces").Topics).ErrorCode);
        Assert.Empty(_cluster.TopicNames);
    }

    [Fact]
    public void Moving_a_leader_bumps_its_epoch_and_no_leader_is_LEADER_NOT_AVAILABLE()
    {
        _cluster.CreateTopic("t", 2);
        var connection = Connect();
        Assert.Equal("0: None leader 1 epoch 0 replicas [1,2,3] isr [1,2,3] offline []", Describe(Metadata(connection, 12, "t").Topics[0])[0]);

        _cluster.SetPartitionLeader("t", 0, 2);
        Assert.Equal("0: None leader 2 epoch 1 replicas [1,2,3] isr [1,2,3] offline []", Describe(Metadata(connection, 12, "t").Topics[0])[0]);

        _cluster.SetPartitionLeader("t", 0, -1);
        _cluster.SetIsr("t", 0, 3);
        Assert.Equal("0: LeaderNotAvailable leader -1 epoch 2 replicas [1,2,3] isr [3] offline []", Describe(Metadata(connection, 12, "t").Topics[0])[0]);

        _cluster.SetPartitionLeader("t", 0, 3);
        _cluster.SetReplicas("t", 0, 3, 1);
        Assert.Equal(new ScriptedPartition(0, 3, 3, [3, 1], [3], [], ErrorCode.None), _cluster.Partitions("t")[0], new PartitionComparer());
        Assert.Equal("0: None leader 3 epoch 3 replicas [3,1] isr [3] offline []", Describe(Metadata(connection, 12, "t").Topics[0])[0]);
        Assert.Equal("1: None leader 2 epoch 0 replicas [2,3,1] isr [2,3,1] offline []", Describe(Metadata(connection, 12, "t").Topics[0])[1]);
    }

    [Fact]
    public void Topic_and_partition_errors_are_reported_in_place_until_cleared()
    {
        _cluster.CreateTopic("secret", 1);
        _cluster.CreateTopic("open", 1);
        var connection = Connect();

        _cluster.SetTopicError("secret", ErrorCode.TopicAuthorizationFailed);
        _cluster.SetTopicError("not-there", ErrorCode.TopicAuthorizationFailed);
        var named = Metadata(connection, 12, "secret", "not-there", "open");
        Assert.Equal([(short)ErrorCode.TopicAuthorizationFailed, (short)ErrorCode.TopicAuthorizationFailed, 0], named.Topics.Select(t => t.ErrorCode));
        Assert.Empty(named.Topics[0].Partitions);
        Assert.Equal(Guid.Empty, named.Topics[0].TopicId);
        var all = Ask(connection, new MetadataRequest { Topics = null }, 12);
        Assert.Equal(["open", "secret"], all.Topics.Select(t => t.Name)); // a topic that does not exist is not listed
        Assert.Empty(_cluster.TopicNames.Except(["open", "secret"])); // nor created

        _cluster.SetTopicError("secret", ErrorCode.None);
        _cluster.SetPartitionError("open", 0, ErrorCode.NotLeaderOrFollower);
        named = Metadata(connection, 9, "secret", "open");
        Assert.Equal([0, 0], named.Topics.Select(t => t.ErrorCode));
        Assert.Equal((short)ErrorCode.NotLeaderOrFollower, named.Topics[1].Partitions[0].ErrorCode);
        Assert.Equal(1, named.Topics[1].Partitions[0].LeaderId);
    }

    [Fact]
    public void Topic_ids_are_looked_up_from_v12_with_a_null_name_for_an_unknown_id_and_are_an_invalid_request_before()
    {
        var id = _cluster.CreateTopic("by-id", 1);
        var unknown = Guid.Parse("0b5c9e0e-0000-4000-8000-000000000001");
        var connection = Connect();

        var found = Ask(connection, new MetadataRequest { Topics = [new() { TopicId = id, Name = null }, new() { TopicId = unknown, Name = null }] }, 12);
        Assert.Equal([("by-id", id, (short)0), (null, unknown, (short)ErrorCode.UnknownTopicId)], found.Topics.Select(t => (t.Name, t.TopicId, t.ErrorCode)));
        Assert.Single(found.Topics[0].Partitions);

        var early = Ask(connection, new MetadataRequest { Topics = [new() { TopicId = id, Name = "by-id" }] }, 10);
        Assert.Equal((short)ErrorCode.InvalidRequest, Assert.Single(early.Topics).ErrorCode);
    }

    [Fact]
    public void Topics_get_round_robin_replicas_over_live_brokers_and_ids_that_repeat_per_script_but_not_per_creation()
    {
        _cluster.SetBrokerDown(2);
        var id = _cluster.CreateTopic("t", 3);
        Assert.Equal(["[1,3]", "[3,1]", "[1,3]"], _cluster.Partitions("t").Select(p => $"[{string.Join(",", p.ReplicaNodes)}]"));
        Assert.Equal([1, 3, 1], _cluster.Partitions("t").Select(p => p.LeaderId));
        Assert.Throws<ArgumentException>(() => _cluster.CreateTopic("wide", 1, replicationFactor: 3));

        _cluster.SetBrokerUp(2);
        _cluster.AddPartitions("t", 2);
        Assert.Equal(["[1,3]", "[3,1]", "[1,3]", "[1,2]", "[2,3]"], _cluster.Partitions("t").Select(p => $"[{string.Join(",", p.ReplicaNodes)}]"));

        Assert.NotEqual(Guid.Empty, id);
        Assert.Equal(id, new ScriptedCluster(_scheduler).CreateTopic("t", 1));
        _cluster.DeleteTopic("t");
        Assert.Empty(_cluster.TopicNames);
        Assert.NotEqual(id, _cluster.CreateTopic("t", 1));
        Assert.Throws<InvalidOperationException>(() => _cluster.CreateTopic("t", 1));
        Assert.Throws<ArgumentException>(() => _cluster.CreateTopic("a/b", 1));
        Assert.Throws<ArgumentException>(() => _cluster.SetPartitionLeader("t", 5, 1));
        Assert.Throws<ArgumentException>(() => _cluster.DeleteTopic("nope"));
    }

    // ------------------------------------------------------------------ brokers: routing, down, up, moves

    [Fact]
    public void The_cluster_names_its_brokers_and_routes_each_connection_to_the_one_listening_there()
    {
        Assert.Equal("broker-1:9092,broker-2:9092,broker-3:9092", _cluster.BootstrapServers);
        Assert.Equal([1, 2, 3], _cluster.NodeIds);
        Assert.Equal(new BrokerEndpoint("broker-2", 9092), _cluster.Endpoint(2));

        Connect(2);
        Connect(3);
        Connect(2);
        Assert.Empty(_cluster.Broker(1).Connections);
        Assert.Equal(2, _cluster.Broker(2).Connections.Count);
        Assert.Single(_cluster.Broker(3).Connections);
        Assert.Equal("memory://broker-3:9092", _cluster.Broker(3).Connections[0].Description);

        _cluster.AddBroker(7, "edge", 19092, rack: "r7");
        Assert.Equal("broker-1:9092,broker-2:9092,broker-3:9092,edge:19092", _cluster.BootstrapServers);
        Connect(7);
        var broker = Assert.Single(Metadata(Connect(7), 1).Brokers, b => b.NodeId == 7);
        Assert.Equal(("edge", 19092, "r7"), (broker.Host, broker.Port, broker.Rack));
        Assert.Throws<ArgumentException>(() => _cluster.AddBroker(7));
        Assert.Throws<ArgumentException>(() => _cluster.AddBroker(8, "BROKER-1", 9092));
        Assert.Throws<ArgumentException>(() => _cluster.Broker(4));
    }

    [Fact]
    public void An_unknown_endpoint_is_refused_naming_host_and_port()
    {
        var task = KafkaConnection.ConnectAsync(new BrokerEndpoint("broker-9", 9092), _cluster, Options);
        Assert.True(task.IsFaulted);
        var e = Assert.IsType<KafkaConnectionException>(task.Exception!.InnerException);
        Assert.Equal(("broker-9", 9092), (e.Host, e.Port));
        Assert.Contains("broker-9:9092", e.Message);
        Assert.Contains("connection refused", e.Message);

        var wrongPort = KafkaConnection.ConnectAsync(new BrokerEndpoint("broker-1", 9093), _cluster, Options);
        Assert.IsType<KafkaConnectionException>(wrongPort.Exception!.InnerException);
        Assert.Empty(_cluster.Requests);
    }

    [Fact]
    public void A_broker_set_down_closes_its_connections_now_refuses_new_ones_and_leaves_metadata_until_set_up()
    {
        var onTwo = Connect(2);
        var onOne = Connect(1);
        _cluster.Handler = (nodeId, _) => nodeId == 2 ? BrokerReply.Silence : null;
        var pending = onTwo.SendAsync(new MetadataRequest());
        var states = _scheduler.CreateObserver<ConnectionState>();
        onTwo.State.Subscribe(states);
        var at = _scheduler.Clock;

        _cluster.SetBrokerDown(2);

        // Now: no tick passes.
        Assert.Equal((ConnectionStatus.Closed, CloseReason.ConnectionBroken), (onTwo.CurrentState.Status, onTwo.CurrentState.Reason));
        Assert.Equal(at, states.Messages[^2].Time);
        Assert.Equal(CloseReason.ConnectionBroken, Assert.IsType<ConnectionClosedException>(pending.Exception!.InnerException).Reason);
        Assert.Equal(ConnectionStatus.Ready, onOne.CurrentState.Status);
        Assert.False(_cluster.IsBrokerUp(2));

        var refused = StartConnect(2);
        var e = Assert.IsType<KafkaConnectionException>(refused.Exception!.InnerException);
        Assert.Contains("broker-2:9092", e.Message);
        Assert.Contains("connection refused", e.Message);

        Assert.Equal([1, 3], Metadata(onOne, 12).Brokers.Select(b => b.NodeId));
        _cluster.DownBrokersLeaveMetadata = false;
        Assert.Equal([1, 2, 3], Metadata(onOne, 12).Brokers.Select(b => b.NodeId));

        _cluster.SetBrokerUp(2);
        _cluster.DownBrokersLeaveMetadata = true;
        Assert.Equal(ConnectionStatus.Ready, Connect(2).CurrentState.Status);
        Assert.Equal([1, 2, 3], Metadata(onOne, 12).Brokers.Select(b => b.NodeId));

        // Down twice, after the broker already dropped a connection: still fine.
        _cluster.Handler = (_, _) => BrokerReply.Disconnect();
        var dropped = Connect(3);
        _ = dropped.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(1);
        Assert.Equal(CloseReason.ConnectionBroken, dropped.CurrentState.Reason);
        _cluster.SetBrokerDown(3);
        _cluster.SetBrokerDown(3);
    }

    [Fact]
    public void A_removed_broker_closes_its_connections_leaves_metadata_and_refuses_connections()
    {
        var onThree = Connect(3);
        var onOne = Connect(1);
        _cluster.RemoveBroker(3);

        Assert.Equal(CloseReason.ConnectionBroken, onThree.CurrentState.Reason);
        Assert.Equal([1, 2], _cluster.NodeIds);
        Assert.Equal("broker-1:9092,broker-2:9092", _cluster.BootstrapServers);
        Assert.Equal([1, 2], Metadata(onOne, 12).Brokers.Select(b => b.NodeId));
        var refused = KafkaConnection.ConnectAsync(new BrokerEndpoint("broker-3", 9092), _cluster, Options);
        Assert.IsType<KafkaConnectionException>(refused.Exception!.InnerException);
        Assert.Throws<ArgumentException>(() => _cluster.Endpoint(3));
    }

    [Fact]
    public void A_broker_endpoint_change_moves_both_what_metadata_advertises_and_where_it_listens()
    {
        var onOne = Connect(1);
        _cluster.SetBrokerEndpoint(2, "moved.example", 29092);

        var advertised = Metadata(onOne, 12).Brokers.Single(b => b.NodeId == 2);
        Assert.Equal(("moved.example", 29092), (advertised.Host, advertised.Port));
        Assert.Equal(new BrokerEndpoint("moved.example", 29092), _cluster.Endpoint(2));
        Assert.Equal(ConnectionStatus.Ready, Connect(2).CurrentState.Status);
        var old = KafkaConnection.ConnectAsync(new BrokerEndpoint("broker-2", 9092), _cluster, Options);
        Assert.IsType<KafkaConnectionException>(old.Exception!.InnerException);
        Assert.Throws<ArgumentException>(() => _cluster.SetBrokerEndpoint(3, "moved.example", 29092));
    }

    // ------------------------------------------------------------------ FindCoordinator

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void FindCoordinator_before_v4_answers_one_key_from_a_hash_over_live_brokers_a_pin_or_an_error(short version)
    {
        var connection = Connect();
        FindCoordinatorResponse Find(string key) => Ask(connection, new FindCoordinatorRequest { Key = key }, version);

        // Java's "a".hashCode() is 97: 97 % 3 = 1, the second live broker.
        var found = Find("a");
        Assert.Equal((0, 2, "broker-2", 9092), ((int)found.ErrorCode, found.NodeId, found.Host, found.Port));
        Assert.Equal(2, _cluster.Coordinator(CoordinatorType.Group, "a"));
        Assert.Equal(1, Find("c").NodeId); // 99 % 3 = 0

        _cluster.SetCoordinator(CoordinatorType.Group, "a", 3);
        Assert.Equal(3, Find("a").NodeId);

        _cluster.SetCoordinatorError(CoordinatorType.Group, "a", ErrorCode.CoordinatorLoadInProgress);
        var failed = Find("a");
        Assert.Equal(((short)ErrorCode.CoordinatorLoadInProgress, -1, "", -1), (failed.ErrorCode, failed.NodeId, failed.Host, failed.Port));
        if (version >= 1)
        {
            Assert.False(string.IsNullOrEmpty(failed.ErrorMessage));
            Assert.Null(found.ErrorMessage);
        }

        _cluster.SetCoordinatorError(CoordinatorType.Group, "a", ErrorCode.None);
        Assert.Equal(3, Find("a").NodeId);
    }

    [Fact]
    public void FindCoordinator_v1_asks_for_transaction_coordinators_apart_from_group_ones()
    {
        var connection = Connect();
        _cluster.SetCoordinator(CoordinatorType.Transaction, "a", 1);
        Assert.Equal(1, Ask(connection, new FindCoordinatorRequest { Key = "a", KeyType = (sbyte)CoordinatorType.Transaction }, 1).NodeId);
        Assert.Equal(2, Ask(connection, new FindCoordinatorRequest { Key = "a", KeyType = (sbyte)CoordinatorType.Group }, 1).NodeId);
        Assert.Equal((short)ErrorCode.InvalidRequest, Ask(connection, new FindCoordinatorRequest { Key = "a", KeyType = 7 }, 3).ErrorCode);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void FindCoordinator_from_v4_answers_each_key_of_a_batch_with_its_own_coordinator_or_error(short version)
    {
        var connection = Connect();
        _cluster.SetCoordinator(CoordinatorType.Group, "pinned", 3);
        _cluster.SetCoordinatorError(CoordinatorType.Group, "denied", ErrorCode.GroupAuthorizationFailed);
        _cluster.SetCoordinatorError(CoordinatorType.Group, "loading", ErrorCode.CoordinatorNotAvailable);

        var response = Ask(connection, new FindCoordinatorRequest { KeyType = 0, CoordinatorKeys = ["a", "pinned", "denied", "loading", "b"] }, version);

        Assert.Equal(
            [
                ("a", 2, "broker-2", 9092, ErrorCode.None),
                ("pinned", 3, "broker-3", 9092, ErrorCode.None),
                ("denied", -1, "", -1, ErrorCode.GroupAuthorizationFailed),
                ("loading", -1, "", -1, ErrorCode.CoordinatorNotAvailable),
                ("b", 3, "broker-3", 9092, ErrorCode.None), // 98 % 3 = 2
            ],
            response.Coordinators.Select(c => (c.Key, c.NodeId, c.Host, c.Port, (ErrorCode)c.ErrorCode)));
        Assert.Null(response.Coordinators[0].ErrorMessage);
        Assert.NotNull(response.Coordinators[2].ErrorMessage);
    }

    [Fact]
    public void Coordinators_follow_live_brokers_and_a_pinned_coordinator_that_is_down_is_not_available()
    {
        var connection = Connect();
        _cluster.SetCoordinator(CoordinatorType.Group, "pinned", 3);
        _cluster.SetBrokerDown(2);
        _cluster.SetBrokerDown(3);

        var response = Ask(connection, new FindCoordinatorRequest { CoordinatorKeys = ["a", "pinned"] }, 4);
        Assert.Equal([(1, ErrorCode.None), (-1, ErrorCode.CoordinatorNotAvailable)], response.Coordinators.Select(c => (c.NodeId, (ErrorCode)c.ErrorCode)));

        _cluster.SetBrokerUp(3);
        Assert.Equal(3, _cluster.Coordinator(CoordinatorType.Group, "a")); // 97 % 2 = 1: node 3 of [1, 3]
        Assert.Equal(3, _cluster.Coordinator(CoordinatorType.Group, "pinned"));
        _cluster.SetCoordinator(CoordinatorType.Group, "pinned", -1);
        Assert.Equal(_cluster.Coordinator(CoordinatorType.Group, "pinned"), Ask(connection, new FindCoordinatorRequest { Key = "pinned" }, 3).NodeId);
    }

    // ------------------------------------------------------------------ Handler, requests, versions

    [Fact]
    public void The_handler_runs_first_with_the_node_id_and_null_falls_back_to_the_default_answer()
    {
        var onOne = Connect(1);
        var onTwo = Connect(2);
        var seen = new List<(int NodeId, ApiKey Api)>();
        _cluster.Handler = (nodeId, request) =>
        {
            seen.Add((nodeId, request.ApiKey));
            return nodeId == 2 && request.Request is MetadataRequest
                ? BrokerReply.Respond(new MetadataResponse { ThrottleTimeMs = 7 })
                : null;
        };

        var overridden = Metadata(onTwo, 12);
        Assert.Equal(7, overridden.ThrottleTimeMs);
        Assert.Empty(overridden.Brokers);
        Assert.Equal(3, Metadata(onOne, 12).Brokers.Count);
        Assert.Equal([(2, ApiKey.Metadata), (1, ApiKey.Metadata)], seen); // ApiVersions does not go through it

        // An API with no default answer gets none.
        var describeCluster = onOne.SendAsync(new DescribeClusterRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.False(describeCluster.IsCompleted);

        // Silence and a disconnect for Metadata too.
        _cluster.Handler = (_, request) => request.Request is MetadataRequest ? BrokerReply.Silence : null;
        var silent = onTwo.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.False(silent.IsCompleted);
        _cluster.Handler = (_, _) => BrokerReply.Disconnect();
        _ = onOne.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(1);
        Assert.Equal(CloseReason.ConnectionBroken, onOne.CurrentState.Reason);
    }

    [Fact]
    public void Requests_records_every_request_across_brokers_in_arrival_order()
    {
        var onOne = Connect(1);
        var onTwo = Connect(2);
        Metadata(onTwo, 9, "x");
        Ask(onOne, new FindCoordinatorRequest { Key = "g" }, 3);
        Metadata(onOne, 12);

        Assert.Equal(
            [(1, ApiKey.ApiVersions), (2, ApiKey.ApiVersions), (2, ApiKey.Metadata), (1, ApiKey.FindCoordinator), (1, ApiKey.Metadata)],
            _cluster.Requests.Select(r => (r.NodeId, r.Request.ApiKey)));
        Assert.Equal([(2, (short)9), (1, (short)12)], _cluster.MetadataRequests.Select(r => (r.NodeId, r.Request.Version)));
        Assert.Equal("x", Assert.IsType<MetadataRequest>(_cluster.MetadataRequests[0].Request.Request).Topics![0].Name);
        Assert.Equal([ApiKey.ApiVersions, ApiKey.FindCoordinator, ApiKey.Metadata], _cluster.Broker(1).Requests.Select(r => r.ApiKey)); // each broker keeps its own log too
    }

    [Fact]
    public void SetApiVersion_narrows_what_every_broker_advertises()
    {
        _cluster.SetApiVersion(ApiKey.Metadata, 0, 4);
        _cluster.SetApiVersion(ApiKey.FindCoordinator, -1, -1);
        var connection = Connect(3);

        Assert.True(connection.ApiVersions!.TryPick(ApiKey.Metadata, out var metadata));
        Assert.Equal(4, metadata);
        Assert.False(connection.ApiVersions.TryPick(ApiKey.FindCoordinator, out _));
        var task = connection.SendAsync(new MetadataRequest { Topics = null });
        _scheduler.AdvanceBy(1);
        Assert.Equal(3, task.Result.Brokers.Count);
        Assert.Equal(4, _cluster.MetadataRequests[^1].Request.Version);
        Assert.Throws<ArgumentOutOfRangeException>(() => _cluster.SetApiVersion(ApiKey.Metadata, 5, 4));
    }

    // ------------------------------------------------------------------ timing

    [Fact]
    public void Answers_come_one_tick_later_by_default()
    {
        var connection = Connect();
        var sentAt = _scheduler.Clock;
        var task = connection.SendAsync(new MetadataRequest());
        Assert.False(task.IsCompleted);
        _scheduler.AdvanceTo(sentAt + 1);
        Assert.True(task.IsCompletedSuccessfully);
    }

    [Fact]
    public void ResponseDelay_and_a_brokers_rtt_make_its_answers_land_exactly_that_much_later()
    {
        _cluster.ResponseDelay = TimeSpan.FromMilliseconds(5);
        _cluster.SetBrokerRtt(2, TimeSpan.FromMilliseconds(20));
        var delay = TimeSpan.FromMilliseconds(25).Ticks;

        // ApiVersions is delayed too: connection setup takes one round trip.
        var start = _scheduler.Clock;
        var connect = StartConnect(2);
        _scheduler.AdvanceTo(start + delay - 1);
        Assert.False(connect.IsCompleted);
        _scheduler.AdvanceTo(start + delay);
        Assert.True(connect.IsCompletedSuccessfully);
        var connection = connect.Result;

        var sentAt = _scheduler.Clock;
        var metadata = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceTo(sentAt + delay - 1);
        Assert.False(metadata.IsCompleted);
        _scheduler.AdvanceTo(sentAt + delay);
        Assert.True(metadata.IsCompletedSuccessfully);

        // A handler's own delay adds to it.
        _cluster.Handler = (_, _) => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromMilliseconds(10));
        sentAt = _scheduler.Clock;
        metadata = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceTo(sentAt + delay + TimeSpan.FromMilliseconds(10).Ticks - 1);
        Assert.False(metadata.IsCompleted);
        _scheduler.AdvanceBy(1);
        Assert.True(metadata.IsCompletedSuccessfully);

        // Back to the cluster's delay alone, then none.
        _cluster.Handler = null;
        _cluster.SetBrokerRtt(2, TimeSpan.Zero);
        sentAt = _scheduler.Clock;
        metadata = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceTo(sentAt + TimeSpan.FromMilliseconds(5).Ticks - 1);
        Assert.False(metadata.IsCompleted);
        _scheduler.AdvanceBy(1);
        Assert.True(metadata.IsCompletedSuccessfully);
        _cluster.ResponseDelay = TimeSpan.Zero;
        metadata = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(1);
        Assert.True(metadata.IsCompletedSuccessfully);
        Assert.Equal(TimeSpan.Zero, _cluster.Broker(2).ResponseDelay);
    }

    private sealed class PartitionComparer : IEqualityComparer<ScriptedPartition>
    {
        public bool Equals(ScriptedPartition? x, ScriptedPartition? y) =>
            x is not null && y is not null
            && (x.PartitionIndex, x.LeaderId, x.LeaderEpoch, x.ErrorCode) == (y.PartitionIndex, y.LeaderId, y.LeaderEpoch, y.ErrorCode)
            && x.ReplicaNodes.SequenceEqual(y.ReplicaNodes) && x.IsrNodes.SequenceEqual(y.IsrNodes) && x.OfflineReplicas.SequenceEqual(y.OfflineReplicas);

        public int GetHashCode(ScriptedPartition obj) => obj.PartitionIndex;
    }
}
