#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Client;

/// <summary>KafkaClient over a scripted cluster in virtual time: bootstrap, pool, versions, coordinators, topics, sends.</summary>
public sealed class KafkaClientTests : ClientTestBase
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private int OpenConnections => Cluster.NodeIds.Sum(id => Cluster.Broker(id).Connections.Count);

    // ---------------------------------------------------------------- K1 bootstrap

    [Fact]
    public void K1_bootstrap_skips_a_dead_host_and_uses_the_next()
    {
        var client = NewClient(Options with { BootstrapServers = BootstrapServers.Parse("dead-host:9092," + Cluster.Endpoint(2)) });
        var updates = new List<MetadataUpdate>();
        client.Cluster.Updates.Subscribe(updates.Add);

        var snapshot = Complete(client.BootstrapAsync(), Second);

        Assert.Equal([1, 2, 3], snapshot.Brokers.Keys.Order());
        Assert.Equal(2, Assert.Single(Cluster.MetadataRequests).NodeId);
        var update = Assert.Single(updates);
        Assert.Equal((MetadataUpdateReason.Bootstrap, "broker-2:9092", 1L), (update.Reason, update.Broker, update.Snapshot.Generation));
        Assert.Equal(6, snapshot.Topics["orders"].Partitions.Length);
    }

    [Fact]
    public void K1_bootstrap_fails_naming_every_host_and_its_error()
    {
        var options = Options with { BootstrapServers = BootstrapServers.Parse("dead-1:9092,dead-2:9093") };

        var task = KafkaClient.ConnectAsync(options, TestContext.Current.CancellationToken);
        var error = Fails<KafkaConnectionException>(task, Second);

        Assert.StartsWith("unable to bootstrap from dead-1:9092, dead-2:9093: ", error.Message);
        Assert.Equal(["dead-1:9092", "dead-2:9093"], error.BrokerErrors.Select(e => e.Key));
        // Each host is named in the list and once in its own error, not prefixed again.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(error.Message, "dead-1:9092"));
        Assert.All(error.BrokerErrors, e => Assert.IsType<KafkaConnectionException>(e.Value));
    }

    [Fact]
    public void K1_the_bootstrap_connection_becomes_the_brokers_connection_when_it_is_the_same_address()
    {
        var client = NewClient(Options with { BootstrapServers = [Cluster.Endpoint(3)] });
        Complete(client.BootstrapAsync(), Second);
        var opened = OpenConnections;

        var connection = Complete(client.GetConnectionAsync(3), Second);

        Assert.Equal(opened, OpenConnections); // no new connection: the bootstrap one was kept for node 3
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public void K1_a_bootstrap_connection_to_an_address_no_broker_advertises_is_closed_once_brokers_are_known()
    {
        // The broker answers on an alias address but advertises broker-1:9092.
        var alias = new BrokerEndpoint("kafka.example", 9092);
        var factory = new AliasTransports(Cluster, alias, Cluster.Endpoint(1));
        var client = NewClient(Options with { BootstrapServers = [alias], TransportFactory = factory });

        Complete(client.BootstrapAsync(), Second);
        Scheduler.AdvanceBy(1);

        Assert.True(factory.Opened[0].IsDisposed);
        Assert.Equal(3, client.Snapshot.Brokers.Count);
    }

    // ---------------------------------------------------------------- K2 pool

    [Fact]
    public void K2_concurrent_requests_for_one_node_share_one_connection_attempt()
    {
        var client = Bootstrapped(Options with { BootstrapServers = [Cluster.Endpoint(1)] });
        var before = Cluster.Broker(2).Connections.Count;

        var tasks = Enumerable.Range(0, 5).Select(_ => client.GetConnectionAsync(2)).ToList();
        Scheduler.AdvanceBy(Second);

        Assert.All(tasks, t => Assert.Same(tasks[0].Result, t.Result));
        Assert.Equal(before + 1, Cluster.Broker(2).Connections.Count);
    }

    [Fact]
    public void K2_each_workload_group_has_its_own_connection()
    {
        var client = Bootstrapped(Options with { BootstrapServers = [Cluster.Endpoint(1)] });

        var groups = Enum.GetValues<ConnectionGroup>().Select(g => Complete(client.GetConnectionAsync(2, g), Second)).ToList();

        Assert.Equal(4, groups.Distinct().Count());
        Assert.Equal(4, Cluster.Broker(2).Connections.Count);
    }

    [Fact]
    public void K2_without_workload_separation_fetch_shares_the_default_connection()
    {
        Assert.Equal(ConnectionGroup.Default, ConnectionGroups.For(ApiKey.Fetch, separateByWorkload: false));
        Assert.Equal(ConnectionGroup.Coordination, ConnectionGroups.For(ApiKey.JoinGroup, separateByWorkload: false));
        Assert.Equal(ConnectionGroup.Fetch, ConnectionGroups.For(ApiKey.Fetch));
        Cluster.Handler = (_, r) => r.ApiKey switch
        {
            ApiKey.Fetch => BrokerReply.Respond(new FetchResponse()),
            ApiKey.DescribeCluster => BrokerReply.Respond(new DescribeClusterResponse()),
            _ => null,
        };

        int ConnectionsFor(bool separate)
        {
            var client = Bootstrapped(Options with { BootstrapServers = [Cluster.Endpoint(1)], SeparateConnectionsByWorkload = separate });
            var before = Cluster.Broker(2).Connections.Count;
            Complete(client.SendAsync(2, new FetchRequest()), Second);
            Complete(client.SendAsync(2, new DescribeClusterRequest()), Second);
            return Cluster.Broker(2).Connections.Count - before;
        }

        Assert.Equal(1, ConnectionsFor(separate: false));
        Assert.Equal(2, ConnectionsFor(separate: true));
    }

    [Fact]
    public void K2_a_closed_connection_leaves_the_pool_and_the_next_use_opens_a_new_one()
    {
        var client = Bootstrapped(Options with { BootstrapServers = [Cluster.Endpoint(1)] });
        var first = Complete(client.GetConnectionAsync(2, ConnectionGroup.Produce), Second);
        Cluster.Broker(2).Disconnect(Cluster.Broker(2).Connections.Count - 1);
        Scheduler.AdvanceBy(1);
        Assert.Equal(ConnectionState.Closed(CloseReason.ConnectionBroken).Status, first.CurrentState.Status);

        var second = Complete(client.GetConnectionAsync(2, ConnectionGroup.Produce), Second);

        Assert.NotSame(first, second);
        Assert.Equal(ConnectionStatus.Ready, second.CurrentState.Status);
    }

    [Fact]
    public void S1_a_broker_that_refused_is_not_tried_again_before_its_reconnect_backoff()
    {
        var client = Bootstrapped(Options with
        {
            BootstrapServers = [Cluster.Endpoint(1)],
            ReconnectBackoff = TimeSpan.FromMilliseconds(50),
            ReconnectBackoffMax = TimeSpan.FromSeconds(1),
        });
        Cluster.SetBrokerDown(3);

        var refused = Fails<NodeNotReadyException>(client.GetConnectionAsync(3), Second);
        Assert.Contains("broker-3:9092", refused.Message);
        var attempts = Cluster.Broker(3).Connections.Count;
        Cluster.SetBrokerUp(3);

        var during = Fails<NodeNotReadyException>(client.GetConnectionAsync(3), Second);
        Assert.Contains("reconnect backoff", during.Message);
        Assert.Equal(attempts, Cluster.Broker(3).Connections.Count);

        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(50));
        Assert.Equal(ConnectionStatus.Ready, Complete(client.GetConnectionAsync(3), Second).CurrentState.Status);
    }

    // ---------------------------------------------------------------- K6 versions

    [Fact]
    public void K6_the_broker_release_is_derived_from_its_ApiVersions_answer()
    {
        var client = Bootstrapped();
        // The scripted brokers offer every version RxKafka knows: the newest release RxKafka can tell.
        Assert.Equal(BrokerVersions.Detect(new ApiVersionTable(ScriptedBroker.FullApiVersions().ApiKeys.Select(k => (k.ApiKey, k.MinVersion, k.MaxVersion)))), client.BrokerVersion);
        Assert.NotNull(client.BrokerVersion);
        Assert.Equal(client.BrokerVersion, client.GetBrokerVersion(Cluster.MetadataRequests[0].NodeId));
        Assert.Null(client.GetBrokerVersion(99));
    }

    [Fact]
    public void K6_an_older_broker_is_recognised_by_what_it_offers()
    {
        // What Apache Kafka 2.0 offers, as far as the release probes go (KIP-219 brought Fetch v8 and ApiVersions v2).
        foreach (var api in KafkaApis.All)
        {
            Cluster.SetApiVersion(api.ApiKey, -1, -1);
        }

        foreach (var (key, max) in new[]
        {
            (ApiKey.Produce, 6), (ApiKey.Fetch, 8), (ApiKey.ListOffsets, 3), (ApiKey.Metadata, 6), (ApiKey.OffsetCommit, 4),
            (ApiKey.OffsetFetch, 4), (ApiKey.FindCoordinator, 2), (ApiKey.JoinGroup, 3), (ApiKey.Heartbeat, 2),
            (ApiKey.LeaveGroup, 2), (ApiKey.SyncGroup, 2), (ApiKey.ApiVersions, 2), (ApiKey.CreateTopics, 3),
        })
        {
            Cluster.SetApiVersion(key, 0, (short)max);
        }

        var client = Bootstrapped();

        Assert.Equal(6, Cluster.MetadataRequests[0].Request.Version);
        Assert.Equal(KafkaVersion.V2_0_0, client.BrokerVersion);
    }

    [Fact]
    public void K6_an_explicit_api_version_is_reported_as_configured()
    {
        var client = Bootstrapped(Options with { ApiVersion = "2.8" });
        Assert.Equal(KafkaVersion.V2_8_0, client.BrokerVersion);
    }

    // ---------------------------------------------------------------- K7 coordinators

    [Fact]
    public void K7_coordinators_are_found_recorded_by_purpose_and_replaced()
    {
        var client = Bootstrapped();
        var changes = new List<ClusterChange>();
        client.Cluster.Changes.Subscribe(changes.Add);
        Cluster.SetCoordinator(CoordinatorType.Group, "billing", 2);
        Cluster.SetCoordinator(CoordinatorType.Transaction, "billing", 3);

        var group = Complete(client.FindCoordinatorAsync(CoordinatorType.Group, "billing"), Second);
        var transaction = Complete(client.FindCoordinatorAsync(CoordinatorType.Transaction, "billing"), Second);
        Cluster.SetCoordinator(CoordinatorType.Group, "billing", 1);
        var moved = Complete(client.FindCoordinatorAsync(CoordinatorType.Group, "billing"), Second);

        Assert.Equal((2, 3, 1), (group.NodeId, transaction.NodeId, moved.NodeId));
        Assert.Same(client.Snapshot.Brokers[1], moved); // the broker as the metadata lists it
        Assert.Equal(moved, client.Snapshot.GetCoordinator(CoordinatorType.Group, "billing"));
        Assert.Equal(transaction, client.Snapshot.GetCoordinator(CoordinatorType.Transaction, "billing"));
        Assert.Equal(
            [
                new CoordinatorChanged(CoordinatorType.Group, "billing", null, group),
                new CoordinatorChanged(CoordinatorType.Transaction, "billing", null, transaction),
                new CoordinatorChanged(CoordinatorType.Group, "billing", group, moved),
            ],
            changes);
    }

    [Fact]
    public void K7_a_coordinator_found_before_the_first_metadata_answer_is_connected_to_by_its_address_and_found_ready_there()
    {
        // A consumer's first heartbeat raced the bootstrap metadata: FindCoordinator answered first, and the
        // connection to the coordinator failed with "broker 2 is not in the cluster metadata".
        foreach (var id in Cluster.NodeIds)
        {
            Cluster.Broker(id).Handler = r => Cluster.DefaultReply(id, r, r.ApiKey == ApiKey.Metadata ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);
        }

        Cluster.SetCoordinator(CoordinatorType.Group, "early", 2);
        var client = NewClient();
        var coordinator = Complete(client.FindCoordinatorAsync(CoordinatorType.Group, "early"), Second);
        Assert.Empty(client.Snapshot.Brokers);

        var connection = Complete(client.GetConnectionAsync(coordinator.NodeId), Second);

        Assert.Empty(client.Snapshot.Brokers); // still before the metadata answer
        Assert.Equal(Cluster.Endpoint(2), connection.Endpoint);

        // And found ready there: a producer's or fetcher's sink connects with one and sends with the other, and
        // when they disagreed it connected again at once, forever (a coordinator's broker back up before the
        // metadata listed it again).
        Assert.Same(connection, client.TryGetReadyConnection(coordinator.NodeId, ConnectionGroup.Default));
    }

    [Fact]
    public void K7_batched_keys_go_in_one_FindCoordinator_request_from_v4()
    {
        var client = Bootstrapped();
        Cluster.SetCoordinator(CoordinatorType.Group, "a", 1);
        Cluster.SetCoordinator(CoordinatorType.Group, "b", 2);
        Cluster.SetCoordinator(CoordinatorType.Group, "c", 3);

        var found = Complete(client.FindCoordinatorsAsync(CoordinatorType.Group, ["a", "b", "c"]), Second);

        Assert.Equal([1, 2, 3], new[] { "a", "b", "c" }.Select(k => found[k].NodeId));
        var request = Assert.Single(Cluster.Requests, r => r.Request.ApiKey == ApiKey.FindCoordinator);
        Assert.True(request.Request.Version >= 4);
        Assert.Equal(["a", "b", "c"], ((FindCoordinatorRequest)request.Request.Request).CoordinatorKeys);
    }

    [Fact]
    public void K7_before_v4_each_key_gets_its_own_request()
    {
        Cluster.SetApiVersion(ApiKey.FindCoordinator, 0, 3);
        var client = Bootstrapped();

        var found = Complete(client.FindCoordinatorsAsync(CoordinatorType.Group, ["a", "b"]), Second);

        Assert.Equal(2, found.Count);
        var requests = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.FindCoordinator).Select(r => r.Request).ToList();
        Assert.Equal([3, 3], requests.Select(r => (int)r.Version));
        Assert.Equal(["a", "b"], requests.Select(r => ((FindCoordinatorRequest)r.Request).Key));
    }

    [Fact]
    public void K7_a_coordinator_not_available_is_retried_after_the_retry_backoff()
    {
        var client = Bootstrapped(Options with { RetryBackoff = TimeSpan.FromMilliseconds(100) });
        Cluster.SetCoordinatorError(CoordinatorType.Group, "slow", ErrorCode.CoordinatorNotAvailable);
        var task = client.FindCoordinatorAsync(CoordinatorType.Group, "slow");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(50));
        Assert.False(task.IsCompleted);

        Cluster.SetCoordinatorError(CoordinatorType.Group, "slow", ErrorCode.None);
        var found = Complete(task, Second);

        var times = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.FindCoordinator).Select(r => Since0(r.Request.ReceivedAt)).ToList();
        Assert.Equal(2, times.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(100), times[1] - times[0] - TimeSpan.FromTicks(1));
        Assert.Equal(Cluster.Coordinator(CoordinatorType.Group, "slow"), found.NodeId);
    }

    [Fact]
    public void K7_authorization_errors_are_typed_and_not_retried()
    {
        var client = Bootstrapped();
        Cluster.SetCoordinatorError(CoordinatorType.Group, "secret", ErrorCode.GroupAuthorizationFailed);
        Cluster.SetCoordinatorError(CoordinatorType.Transaction, "tx", ErrorCode.TransactionalIdAuthorizationFailed);

        var group = Fails<AuthorizationException>(client.FindCoordinatorAsync(CoordinatorType.Group, "secret"), Second);
        var tx = Fails<AuthorizationException>(client.FindCoordinatorAsync(CoordinatorType.Transaction, "tx"), Second);

        Assert.Equal(ErrorCode.GroupAuthorizationFailed, group.ErrorCode);
        Assert.Equal(ErrorCode.TransactionalIdAuthorizationFailed, tx.ErrorCode);

        Assert.Contains("'secret'", group.Message);
        Assert.Equal(2, Cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.FindCoordinator));
    }

    [Fact]
    public void K7_a_coordinator_that_stays_unavailable_fails_when_the_request_timeout_passes()
    {
        var client = Bootstrapped(Options with { RequestTimeout = TimeSpan.FromSeconds(5) });
        Cluster.SetCoordinatorError(CoordinatorType.Group, "never", ErrorCode.CoordinatorNotAvailable);
        var start = Now;

        var error = Fails<RetriableException>(client.FindCoordinatorAsync(CoordinatorType.Group, "never"), TimeSpan.FromSeconds(10));
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, error.ErrorCode);

        Assert.True(Now - start <= TimeSpan.FromSeconds(5), $"failed after {Now - start}");
        Assert.Contains("'never'", error.Message);
    }

    // ---------------------------------------------------------------- K8 wait for topic

    [Fact]
    public void K8_a_known_topic_is_returned_at_once()
    {
        var client = Bootstrapped();
        var before = MetadataTimes.Count;

        var task = client.WaitForTopicAsync("orders");

        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(6, task.Result.Partitions.Length);
        Assert.Equal(before, MetadataTimes.Count);
    }

    [Fact]
    public void K8_an_auto_created_topic_is_known_after_the_update_that_follows_its_creation()
    {
        var client = Bootstrapped();
        var updates = new List<MetadataUpdate>();
        client.Cluster.Updates.Subscribe(updates.Add);

        var topic = Complete(client.WaitForTopicAsync("fresh"), TimeSpan.FromSeconds(5));

        // The first update names the topic, so the broker creates it (LEADER_NOT_AVAILABLE); the forced
        // one right after it lists it among every topic.
        Assert.Equal(Cluster.AutoCreatePartitions, topic.Partitions.Length);
        Assert.Contains("fresh", client.TrackedTopics);
        Assert.Equal([MetadataUpdateReason.TrackedTopicsChanged, MetadataUpdateReason.Forced], updates.Select(u => u.Reason));
        Assert.Single(Cluster.MetadataRequests, r => ((MetadataRequest)r.Request.Request).Topics?.Any(t => t.Name == "fresh") == true);
    }

    [Fact]
    public void K8_updates_are_forced_a_retry_backoff_apart_until_the_topic_appears()
    {
        Cluster.AutoCreateTopics = false;
        var client = Bootstrapped(Options with { RetryBackoff = TimeSpan.FromMilliseconds(100) });
        var start = Now;
        var task = client.WaitForTopicAsync("late");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(250));
        Assert.False(task.IsCompleted);

        Cluster.CreateTopic("late", 2);
        var topic = Complete(task, TimeSpan.FromSeconds(1));

        Assert.Equal(2, topic.Partitions.Length);
        var named = Cluster.MetadataRequests.Where(r => ((MetadataRequest)r.Request.Request).Topics?.Any(t => t.Name == "late") == true)
            .Select(r => Since0(r.Request.ReceivedAt) - start).ToList();
        // At once (the tracked topic), once more as the forcing starts, then one per backoff until it exists.
        Assert.Equal(4, named.Count);
        Assert.All(named.Zip(named.Skip(2)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(100), $"{pair.First} -> {pair.Second}"));
        Assert.True(Now - start < TimeSpan.FromMilliseconds(400), $"took {Now - start}");
    }

    [Fact]
    public void K8_a_wait_in_progress_fails_with_ObjectDisposedException_when_the_client_is_disposed()
    {
        Cluster.AutoCreateTopics = false;
        var client = Bootstrapped();
        var task = client.WaitForTopicAsync("never");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(250));

        client.DisposeAsync().AsTask().Wait(TestContext.Current.CancellationToken);

        Fails<ObjectDisposedException>(task, Second);
    }

    [Fact]
    public void K8_an_unauthorized_topic_fails_with_TopicAuthorizationException()
    {
        var client = Bootstrapped();
        Cluster.CreateTopic("secret", 1);
        Cluster.SetTopicError("secret", ErrorCode.TopicAuthorizationFailed);
        Complete(client.ForceMetadataUpdateAsync(), Second);

        var error = Fails<TopicAuthorizationException>(client.WaitForTopicAsync("secret"), Second);

        Assert.Contains("'secret'", error.Message);
    }

    [Fact]
    public void K8_a_topic_that_never_appears_fails_at_the_request_timeout()
    {
        Cluster.AutoCreateTopics = false;
        var client = Bootstrapped(Options with { RequestTimeout = TimeSpan.FromSeconds(3) });
        var start = Now;

        var error = Fails<UnknownTopicOrPartitionException>(client.WaitForTopicAsync("missing"), TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(3), Now - start);
        Assert.Contains("'missing'", error.Message);
        Assert.Contains("UnknownTopicOrPartition", error.Message);
    }

    [Fact]
    public void K8_a_wait_that_times_out_names_the_last_distinct_connection_failures_and_carries_them()
    {
        var client = Bootstrapped(Options with { RequestTimeout = TimeSpan.FromSeconds(3) });
        foreach (var id in Cluster.NodeIds)
        {
            Cluster.SetBrokerDown(id);
        }

        var error = Fails<UnknownTopicOrPartitionException>(client.WaitForTopicAsync("missing"), TimeSpan.FromSeconds(10));

        // Every broker refused, many times over: each is named once, within the bound.
        var causes = Assert.IsType<KafkaConnectionException>(error.InnerException);
        Assert.Equal(["broker-1:9092", "broker-2:9092", "broker-3:9092"], causes.BrokerErrors.Select(e => e.Key).Order());
        Assert.All(causes.BrokerErrors, e => Assert.Contains("connection refused", e.Value.Message));
        Assert.Contains("after 3000 ms (request.timeout.ms); the last attempts failed: ", error.Message);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(error.Message, "connection refused"));
        Assert.IsType<AggregateException>(causes.InnerException);
    }

    [Fact]
    public void K8_a_wait_names_only_the_failures_that_happened_while_it_waited()
    {
        Cluster.AutoCreateTopics = false;
        var client = Bootstrapped(Options with { RequestTimeout = TimeSpan.FromSeconds(3) });
        Cluster.SetBrokerDown(2);
        Fails<NodeNotReadyException>(client.SendAsync(2, new DescribeClusterRequest()), Second);
        Cluster.SetBrokerUp(2);
        Scheduler.AdvanceBy(Second);

        var error = Fails<UnknownTopicOrPartitionException>(client.WaitForTopicAsync("missing"), TimeSpan.FromSeconds(10));

        Assert.Null(error.InnerException);
        Assert.DoesNotContain("refused", error.Message);
    }

    // ---------------------------------------------------------------- K9 sends

    [Fact]
    public void K9_a_request_goes_to_the_node_on_the_connection_of_its_workload()
    {
        var client = Bootstrapped();
        Cluster.Handler = (_, r) => r.ApiKey == ApiKey.DescribeCluster ? BrokerReply.Respond(new DescribeClusterResponse { ClusterId = "x" }) : null;

        var response = Complete(client.SendAsync(2, new DescribeClusterRequest()), Second);

        Assert.Equal("x", response.ClusterId);
        Assert.Equal(2, Cluster.Requests.Single(r => r.Request.ApiKey == ApiKey.DescribeCluster).NodeId);
    }

    [Fact]
    public void K9_a_node_that_is_not_in_the_metadata_or_cannot_be_reached_is_not_ready()
    {
        var client = Bootstrapped(Options with { BootstrapServers = [Cluster.Endpoint(1)] });
        var unknown = Fails<NodeNotReadyException>(client.SendAsync(7, new DescribeClusterRequest()), Second);
        Assert.Equal(7, unknown.NodeId);
        Assert.Contains("not in the cluster metadata", unknown.Message);

        Cluster.SetBrokerDown(2);
        var down = Fails<NodeNotReadyException>(client.SendAsync(2, new DescribeClusterRequest()), Second);
        Assert.Equal(2, down.NodeId);
        Assert.IsType<KafkaConnectionException>(down.InnerException);
    }

    [Fact]
    public void K9_send_to_leader_uses_the_partitions_leader_and_a_leaderless_partition_forces_an_update()
    {
        var client = Bootstrapped();
        Cluster.Handler = (_, r) => r.ApiKey == ApiKey.ListOffsets ? BrokerReply.Respond(new ListOffsetsResponse()) : null;
        var leader = client.Snapshot.GetLeader("orders", 4)!.Value;

        Complete(client.SendToLeaderAsync(new TopicPartition("orders", 4), new ListOffsetsRequest()), Second);
        Assert.Equal(leader, Cluster.Requests.Single(r => r.Request.ApiKey == ApiKey.ListOffsets).NodeId);

        Cluster.SetPartitionLeader("orders", 4, -1);
        Complete(client.ForceMetadataUpdateAsync(), Second);
        var metadataBefore = MetadataTimes.Count;
        var noLeader = Fails<InvalidMetadataException>(client.SendToLeaderAsync(new TopicPartition("orders", 4), new ListOffsetsRequest()), Second);
        Assert.Equal(ErrorCode.LeaderNotAvailable, noLeader.ErrorCode);
        Fails<UnknownTopicOrPartitionException>(client.SendToLeaderAsync(new TopicPartition("nope", 0), new ListOffsetsRequest()), Second);
        Scheduler.AdvanceBy(Second);
        Assert.True(MetadataTimes.Count > metadataBefore);
    }

    [Fact]
    public void K9_send_to_the_controller_and_to_any_broker()
    {
        Cluster.ControllerId = 3;
        var client = Bootstrapped();
        Cluster.Handler = (_, r) => r.ApiKey == ApiKey.DescribeCluster ? BrokerReply.Respond(new DescribeClusterResponse()) : null;

        Complete(client.SendToControllerAsync(new DescribeClusterRequest()), Second);
        Complete(client.SendToAnyBrokerAsync(new DescribeClusterRequest()), Second);

        var nodes = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.DescribeCluster).Select(r => r.NodeId).ToList();
        Assert.Equal(3, nodes[0]);
        Assert.Contains(nodes[1], Cluster.NodeIds);
    }

    // ---------------------------------------------------------------- S6 metrics

    [Fact]
    public void S6_metadata_updates_and_the_cluster_size_are_measured_on_the_RxKafka_Client_meter()
    {
        var clientId = "metrics-" + Guid.NewGuid().ToString("N");
        var updates = new List<(string Reason, string Outcome)>();
        var brokers = new List<int>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "RxKafka.Client")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(p => p.Key, p => p.Value?.ToString());
            if (instrument.Name == "rxkafka.metadata.updates" && t.GetValueOrDefault("client.id") == clientId)
            {
                updates.Add((t["reason"]!, t["outcome"]!));
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "rxkafka.cluster.brokers" && tags.ToArray().Any(p => p.Key == "client.id" && (string?)p.Value == clientId))
            {
                brokers.Add(value);
            }
        });
        listener.Start();

        var client = Bootstrapped(Options with { ClientId = clientId });
        Complete(client.ForceMetadataUpdateAsync(), Second);
        listener.RecordObservableInstruments();

        Assert.Equal([("Bootstrap", "success"), ("Forced", "success")], updates);
        Assert.Equal([3], brokers);
    }

    /// <summary>Connects an alias address to a broker, as a DNS alias or a load balancer would.</summary>
    private sealed class AliasTransports(ScriptedCluster cluster, BrokerEndpoint alias, BrokerEndpoint target) : IKafkaTransportFactory
    {
        public List<InMemoryTransport> Opened { get; } = new();

        public async ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
        {
            var transport = await cluster.ConnectAsync(endpoint == alias ? target : endpoint, cancellationToken);
            if (endpoint == alias)
            {
                Opened.Add((InMemoryTransport)transport);
            }

            return transport;
        }
    }
}
