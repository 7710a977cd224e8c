using System.Diagnostics;
using System.Net.Sockets;
using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.MockCluster;

/// <summary>
/// The harness against a real librdkafka mock cluster, without RxKafka's connection: raw frames built
/// from the generated messages. Every test runs for each build (the subclasses), in one process.
/// </summary>
public abstract class MockClusterTests
{
    protected abstract MockBuild Build { get; }

    protected abstract string ExpectedVersion { get; }

    /// <summary>Whether Metadata stops listing a broker that is set down (observed per build).</summary>
    protected abstract bool DownBrokersLeaveMetadata { get; }

    /// <summary>Build-specific checks of the ApiVersions v0 answer.</summary>
    protected abstract void AssertOfferedVersions(IReadOnlyDictionary<ApiKey, (short Min, short Max)> offered);

    protected MockKafkaCluster StartCluster(int brokers)
    {
        Prerequisites.RequireLibrary(Build);
        return MockKafkaCluster.Start(brokers, Build);
    }

    private protected static IReadOnlyDictionary<ApiKey, (short Min, short Max)> ApiVersions(RawKafkaConnection connection)
    {
        var response = connection.Send(new ApiVersionsRequest(), 0);
        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        return response.ApiKeys.ToDictionary(k => (ApiKey)k.ApiKey, k => (k.MinVersion, k.MaxVersion));
    }

    private protected static MetadataResponse MetadataV1(RawKafkaConnection connection, params string[] topics) =>
        connection.Send(
            new MetadataRequest
            {
                // v1: null asks for every topic, an empty list for none.
                Topics = topics.Length == 0 ? null : topics.Select(t => new MetadataRequest.MetadataRequestTopic { Name = t }).ToList(),
            },
            1);

    private protected static RawKafkaConnection ConnectTo(MockKafkaCluster cluster, int brokerId)
    {
        var listener = cluster.GetBrokerListener(brokerId);
        return RawKafkaConnection.Connect(listener.Host, listener.Port);
    }

    [Fact]
    public void Reports_its_build_version_and_library()
    {
        using var cluster = StartCluster(1);

        Assert.Equal(Build, cluster.Build);
        Assert.Equal(ExpectedVersion, cluster.Version);
        Assert.Equal(MockLibraries.LibraryPath(Build), cluster.LibraryPath);
        TestContext.Current.TestOutputHelper?.WriteLine($"{cluster}; librdkafka says {cluster.Version}");
    }

    [Fact]
    public void ApiVersions_v0_answers_with_the_builds_ranges()
    {
        using var cluster = StartCluster(1);
        using var connection = RawKafkaConnection.ConnectBootstrap(cluster.BootstrapServers);

        var offered = ApiVersions(connection);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"librdkafka {cluster.Version} offers: " + string.Join(", ", offered.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value.Min}-{p.Value.Max}")));
        foreach (var key in new[] { ApiKey.Produce, ApiKey.Fetch, ApiKey.Metadata, ApiKey.ApiVersions, ApiKey.FindCoordinator })
        {
            Assert.True(offered.ContainsKey(key), $"{key} not offered");
        }

        AssertOfferedVersions(offered);
    }

    [Fact]
    public void Metadata_v1_lists_every_broker_at_its_listener()
    {
        using var cluster = StartCluster(3);
        using var connection = RawKafkaConnection.ConnectBootstrap(cluster.BootstrapServers);

        var metadata = MetadataV1(connection);

        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.NodeId).Order());
        foreach (var broker in metadata.Brokers)
        {
            var listener = cluster.GetBrokerListener(broker.NodeId);
            Assert.Equal(listener.Port, broker.Port);
            Assert.Equal(listener.Host, broker.Host);
        }

        // ControllerId is whatever rd_kafka_mock_set_controller_id last set (0 by default, no broker): not checked.
        Assert.Equal(3, cluster.BootstrapServers.Split(',').Length);
    }

    [Fact]
    public void CreateTopic_and_SetPartitionLeader_show_in_Metadata()
    {
        using var cluster = StartCluster(3);
        cluster.CreateTopic("orders", partitions: 4, replicationFactor: 3);
        using var connection = RawKafkaConnection.ConnectBootstrap(cluster.BootstrapServers);

        cluster.SetPartitionLeader("orders", 2, 3);
        cluster.SetPartitionLeader("orders", 3, 1);
        var topic = Assert.Single(MetadataV1(connection, "orders").Topics);

        Assert.Equal((short)ErrorCode.None, topic.ErrorCode);
        Assert.Equal([0, 1, 2, 3], topic.Partitions.Select(p => p.PartitionIndex).Order());
        Assert.All(topic.Partitions, p => Assert.Equal(3, p.ReplicaNodes.Count));
        Assert.Equal(3, topic.Partitions.Single(p => p.PartitionIndex == 2).LeaderId);
        Assert.Equal(1, topic.Partitions.Single(p => p.PartitionIndex == 3).LeaderId);

        cluster.SetPartitionLeader("orders", 2, 2);
        Assert.Equal(2, MetadataV1(connection, "orders").Topics[0].Partitions.Single(p => p.PartitionIndex == 2).LeaderId);
    }

    [Fact]
    public void SetPartitionLeader_errors_name_the_call_the_build_and_librdkafkas_error()
    {
        using var cluster = StartCluster(2);
        cluster.CreateTopic("small", 2, 1);

        var noPartition = Assert.Throws<MockClusterException>(() => cluster.SetPartitionLeader("small", 5, 1));
        var noBroker = Assert.Throws<MockClusterException>(() => cluster.SetPartitionLeader("small", 0, 9));

        Assert.Contains("rd_kafka_mock_partition_set_leader(topic 'small', partition 5, broker 1)", noPartition.Message);
        Assert.Contains(cluster.Version, noPartition.Message);
        Assert.Contains("UNKNOWN_TOPIC_OR_PART", noPartition.Message);
        Assert.Equal((int)ErrorCode.UnknownTopicOrPartition, noPartition.NativeErrorCode);
        Assert.Contains("BROKER_NOT_AVAILABLE", noBroker.Message);
        Assert.Equal((int)ErrorCode.BrokerNotAvailable, noBroker.NativeErrorCode);
    }

    [Fact]
    public void SetTopicError_makes_Metadata_report_it_until_cleared()
    {
        using var cluster = StartCluster(1);
        cluster.CreateTopic("secret", 1, 1);
        using var connection = RawKafkaConnection.ConnectBootstrap(cluster.BootstrapServers);

        cluster.SetTopicError("secret", ErrorCode.TopicAuthorizationFailed);
        Assert.Equal((short)ErrorCode.TopicAuthorizationFailed, MetadataV1(connection, "secret").Topics[0].ErrorCode);

        cluster.SetTopicError("secret", ErrorCode.None);
        Assert.Equal((short)ErrorCode.None, MetadataV1(connection, "secret").Topics[0].ErrorCode);
    }

    [Fact]
    public void SetBrokerDown_closes_connections_and_refuses_new_ones_until_SetBrokerUp()
    {
        using var cluster = StartCluster(2);
        using var open = ConnectTo(cluster, 2);
        ApiVersions(open);

        cluster.SetBrokerDown(2);

        // The open connection was closed by the broker: the next request gets no answer.
        Assert.ThrowsAny<IOException>(() => open.Send(new ApiVersionsRequest(), 0));
        // A new connection is refused, or accepted and closed at once, depending on the build.
        var refused = Record.Exception(() =>
        {
            using var fresh = ConnectTo(cluster, 2);
            fresh.Send(new ApiVersionsRequest(), 0);
        });
        Assert.True(refused is SocketException or IOException, $"expected a refused or dropped connection, got {refused?.GetType().Name ?? "an answer"}");
        TestContext.Current.TestOutputHelper?.WriteLine($"librdkafka {cluster.Version}: a new connection to a down broker fails with {refused!.GetType().Name}: {refused.Message}");
        // Broker 1 is unaffected; 2.15.1 stops listing broker 2, 2.0.2 keeps listing it.
        using (var other = ConnectTo(cluster, 1))
        {
            Assert.Equal(DownBrokersLeaveMetadata, !MetadataV1(other).Brokers.Select(b => b.NodeId).Contains(2));
        }

        cluster.SetBrokerUp(2);
        using var again = ConnectTo(cluster, 2);
        Assert.Contains(ApiKey.Metadata, ApiVersions(again).Keys);
    }

    [Fact]
    public void SetBrokerRtt_delays_every_response()
    {
        using var cluster = StartCluster(1);
        using var connection = ConnectTo(cluster, 1);
        var rtt = TimeSpan.FromMilliseconds(300);

        cluster.SetBrokerRtt(1, rtt);
        var delayed = Stopwatch.StartNew();
        ApiVersions(connection);
        delayed.Stop();

        cluster.SetBrokerRtt(1, TimeSpan.Zero);
        var prompt = Stopwatch.StartNew();
        ApiVersions(connection);
        prompt.Stop();

        // The mock holds each response until its RTT has passed (it may round to its poll interval).
        Assert.True(delayed.Elapsed >= rtt - TimeSpan.FromMilliseconds(50), $"response after {delayed.Elapsed.TotalMilliseconds} ms with an RTT of {rtt.TotalMilliseconds} ms");
        Assert.True(prompt.Elapsed < delayed.Elapsed, $"without RTT {prompt.Elapsed.TotalMilliseconds} ms, with it {delayed.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void PushRequestErrors_fail_the_next_requests_in_order_then_let_them_through()
    {
        using var cluster = StartCluster(2);
        using var connection = ConnectTo(cluster, 1);
        // InitProducerId (idempotent, no transactional id): its response has no strings, so an error
        // answer decodes cleanly (the mock writes a null Host into FindCoordinator v0 error answers).
        var request = new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 60_000 };

        cluster.PushRequestErrors(ApiKey.InitProducerId, ErrorCode.CoordinatorNotAvailable, ErrorCode.NotCoordinator);

        Assert.Equal((short)ErrorCode.CoordinatorNotAvailable, connection.Send(request, 0).ErrorCode);
        Assert.Equal((short)ErrorCode.NotCoordinator, connection.Send(request, 0).ErrorCode);
        var answered = connection.Send(request, 0);
        Assert.Equal((short)ErrorCode.None, answered.ErrorCode);
        Assert.True(answered.ProducerId >= 0, $"producer id {answered.ProducerId}");
    }

    [Fact]
    public void PushBrokerRequestErrors_fail_only_that_brokers_next_requests_and_then_hide_the_cluster_wide_queue()
    {
        using var cluster = StartCluster(2);
        using var one = ConnectTo(cluster, 1);
        using var two = ConnectTo(cluster, 2);
        var request = new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 60_000 };

        cluster.PushBrokerRequestErrors(2, ApiKey.InitProducerId, ErrorCode.CoordinatorNotAvailable, ErrorCode.NotCoordinator);

        Assert.Equal((short)ErrorCode.None, one.Send(request, 0).ErrorCode);
        Assert.Equal((short)ErrorCode.CoordinatorNotAvailable, two.Send(request, 0).ErrorCode);
        Assert.Equal((short)ErrorCode.NotCoordinator, two.Send(request, 0).ErrorCode);
        Assert.Equal((short)ErrorCode.None, two.Send(request, 0).ErrorCode);

        // Broker 2 now has its own (empty) queue for InitProducerId: the cluster-wide one reaches broker 1 only.
        cluster.PushRequestErrors(ApiKey.InitProducerId, ErrorCode.CoordinatorLoadInProgress);
        Assert.Equal((short)ErrorCode.None, two.Send(request, 0).ErrorCode);
        Assert.Equal((short)ErrorCode.CoordinatorLoadInProgress, one.Send(request, 0).ErrorCode);
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.PushBrokerRequestErrors(3, ApiKey.Produce, ErrorCode.NotLeaderOrFollower));
    }

    [Fact]
    public void PushRequestErrors_on_ApiVersions_answers_the_error()
    {
        using var cluster = StartCluster(1);
        using var connection = ConnectTo(cluster, 1);

        cluster.PushRequestErrors(ApiKey.ApiVersions, ErrorCode.ClusterAuthorizationFailed);

        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, connection.Send(new ApiVersionsRequest(), 0).ErrorCode);
        Assert.Equal((short)ErrorCode.None, connection.Send(new ApiVersionsRequest(), 0).ErrorCode);
    }

    [Fact]
    public void ApiVersions_v3_is_answered_with_UnsupportedVersion()
    {
        // Both builds offer ApiVersions 0-2 and answer a v3 request with error 35; a client must
        // then retry with an older version (KIP-511). Only the error code is read: the rest of the
        // body is not the v0 body KIP-511 prescribes on 2.15.1.
        using var cluster = StartCluster(1);
        using var connection = ConnectTo(cluster, 1);
        Assert.Equal((short)2, ApiVersions(connection)[ApiKey.ApiVersions].Max);

        var frame = connection.SendRaw(new ApiVersionsRequest { ClientSoftwareName = "rxkafka", ClientSoftwareVersion = "0" }, 3);

        // Response header v0 (correlation id), then the error code.
        Assert.Equal((short)ErrorCode.UnsupportedVersion, System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(4)));
        TestContext.Current.TestOutputHelper?.WriteLine($"librdkafka {cluster.Version} answers ApiVersions v3 with {frame.Length} bytes: {Convert.ToHexString(frame)}");
    }

    [Fact]
    public void ClearRequestErrors_drops_the_queued_errors()
    {
        using var cluster = StartCluster(1);
        using var connection = ConnectTo(cluster, 1);
        var request = new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 60_000 };

        cluster.PushRequestErrors(ApiKey.InitProducerId, ErrorCode.CoordinatorLoadInProgress, ErrorCode.CoordinatorLoadInProgress);
        cluster.ClearRequestErrors(ApiKey.InitProducerId);

        Assert.Equal((short)ErrorCode.None, connection.Send(request, 0).ErrorCode);
    }

    [Fact]
    public void SetApiVersion_narrows_the_advertised_range()
    {
        using var cluster = StartCluster(1);
        using var connection = ConnectTo(cluster, 1);
        var before = ApiVersions(connection);
        Assert.Equal((short)0, before[ApiKey.Metadata].Min);
        Assert.True(before[ApiKey.Metadata].Max >= 2, $"Metadata max {before[ApiKey.Metadata].Max}");

        cluster.SetApiVersion(ApiKey.Metadata, 1, 1);
        var after = ApiVersions(connection);

        Assert.Equal(((short)1, (short)1), after[ApiKey.Metadata]);
        Assert.Equal(before[ApiKey.Fetch], after[ApiKey.Fetch]);
        Assert.Single(MetadataV1(connection).Brokers);
    }

    [Fact]
    public void SetCoordinator_pins_a_group_to_a_broker()
    {
        using var cluster = StartCluster(3);
        using var connection = ConnectTo(cluster, 1);

        foreach (var brokerId in new[] { 2, 3, 1 })
        {
            cluster.SetCoordinator(MockCoordinatorType.Group, "payments", brokerId);
            var response = connection.Send(new FindCoordinatorRequest { Key = "payments" }, 0);

            Assert.Equal((short)ErrorCode.None, response.ErrorCode);
            Assert.Equal(brokerId, response.NodeId);
            Assert.Equal(cluster.GetBrokerListener(brokerId).Port, response.Port);
        }
    }

    [Fact]
    public void SetCoordinator_pins_a_transactional_id_to_a_broker()
    {
        using var cluster = StartCluster(2);
        using var connection = ConnectTo(cluster, 1);

        cluster.SetCoordinator(MockCoordinatorType.Transaction, "txn-1", 2);
        var response = connection.Send(new FindCoordinatorRequest { Key = "txn-1", KeyType = 1 }, 1);

        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        Assert.Equal(2, response.NodeId);
    }

    [Fact]
    public void Broker_ids_outside_the_cluster_are_rejected_before_calling_librdkafka()
    {
        using var cluster = StartCluster(2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerDown(3));
        Assert.Contains("1 to 2", error.Message);
    }

    [Fact]
    public void Calls_after_Dispose_throw_ObjectDisposedException()
    {
        var cluster = StartCluster(1);
        cluster.Dispose();
        cluster.Dispose(); // twice is fine

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1, 1));
    }

    [Fact]
    public void Dispose_stops_the_brokers()
    {
        var cluster = StartCluster(1);
        var listener = cluster.GetBrokerListener(1);
        using (var connection = RawKafkaConnection.Connect(listener.Host, listener.Port))
        {
            ApiVersions(connection);
        }

        cluster.Dispose();

        Assert.Throws<SocketException>(() => RawKafkaConnection.Connect(listener.Host, listener.Port).Dispose());
    }

    [Fact]
    public void A_missing_library_names_its_path_and_how_to_install_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "rxkafka-no-such-dir-" + Guid.NewGuid().ToString("N"), "librdkafka.so.1");

        var error = Assert.Throws<DllNotFoundException>(() => MockKafkaCluster.Start(1, Build, missing));

        Assert.Contains(missing, error.Message);
        Assert.Contains(MockLibraries.HowToInstall(Build), error.Message);
    }
}
