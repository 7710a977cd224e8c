using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.IntegrationTests.Support;
using RxKafka.Network;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Client;

/// <summary>
/// KafkaClient against librdkafka's mock cluster over real TCP, for each build (the subclasses).
/// Real time here: every wait is for an observable condition with a deadline. The exact schedules
/// are proved in virtual time in the unit tests.
/// </summary>
public abstract class ClientTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    protected abstract MockBuild Build { get; }

    /// <summary>Whether Metadata stops listing a broker that is set down.</summary>
    protected abstract bool DownBrokersLeaveMetadata { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private MockKafkaCluster StartCluster(int brokers)
    {
        Prerequisites.RequireLibrary(Build);
        return MockKafkaCluster.Start(brokers, Build);
    }

    // Periodic updates far apart, so only what a test does makes updates.
    private static KafkaClientOptions Options(string bootstrap) => KafkaClientOptions.FromBootstrap(bootstrap) with
    {
        MetadataMaxAge = TimeSpan.FromMinutes(10),
        RetryBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectBackoff = TimeSpan.FromMilliseconds(20),
        ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
    };

    private static Task<KafkaClient> Connect(MockKafkaCluster cluster) =>
        KafkaClient.ConnectAsync(Options(cluster.BootstrapServers), Token).WaitAsync(Deadline, Token);

    private static Task<T> Within<T>(Task<T> task) => task.WaitAsync(Deadline, Token);

    /// <summary>A loopback port nobody listens on: bound, then released.</summary>
    private static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task K1_bootstraps_past_a_dead_host_to_a_live_one()
    {
        using var cluster = StartCluster(3);
        var live = BootstrapServers.Parse(cluster.BootstrapServers)[1];
        var options = Options($"127.0.0.1:{DeadPort()},{live}");
        var client = new KafkaClient(options);
        await using var _ = client;
        var updates = new List<MetadataUpdate>();
        using var watch = client.Cluster.Updates.Subscribe(updates.Add);

        var snapshot = await Within(client.BootstrapAsync(Token));

        Assert.Equal([1, 2, 3], snapshot.Brokers.Keys.Order());
        var update = Assert.Single(updates);
        Assert.Equal(live.ToString(), update.Broker);
        Assert.NotNull(client.BrokerVersion);
        TestContext.Current.TestOutputHelper?.WriteLine($"librdkafka {cluster.Version} looks like Kafka {client.BrokerVersion}");
    }

    [Fact]
    public async Task K1_fails_naming_every_dead_bootstrap_host()
    {
        var dead = $"127.0.0.1:{DeadPort()},127.0.0.1:{DeadPort()}";

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaClient.ConnectAsync(Options(dead), Token).WaitAsync(Deadline, Token));

        Assert.StartsWith($"unable to bootstrap from {dead.Replace(",", ", ")}", error.Message);
        Assert.Equal(2, error.BrokerErrors.Count);
    }

    [Fact]
    public async Task M4_a_moved_leader_shows_up_as_exactly_one_LeaderChanged_after_the_next_update()
    {
        using var cluster = StartCluster(3);
        cluster.CreateTopic("orders", 4, 3);
        await using var client = await Connect(cluster);
        var changes = new List<ClusterChange>();
        using var subscription = client.Cluster.Changes.Subscribe(changes.Add);
        var before = client.Snapshot.GetPartition("orders", 1)!;
        var target = before.Replicas.First(r => r != before.Leader);

        cluster.SetPartitionLeader("orders", 1, target);
        await Within(client.ForceMetadataUpdateAsync(Token));

        var moved = Assert.Single(changes.OfType<LeaderChanged>());
        Assert.Equal(("orders", 1, before.Leader, target), (moved.Topic, moved.Partition, moved.PreviousLeader, moved.Leader));
        Assert.Equal(target, client.Snapshot.GetLeader("orders", 1));
    }

    [Fact]
    public async Task K5_a_broker_set_down_breaks_its_connection_and_forces_an_update()
    {
        using var cluster = StartCluster(3);
        cluster.CreateTopic("orders", 4, 3);
        await using var client = await Connect(cluster);
        foreach (var id in client.Snapshot.Brokers.Keys)
        {
            await Within(client.GetConnectionAsync(id, cancellationToken: Token));
        }

        var lost = client.Cluster.Updates.FirstAsync(u => u.Reason == MetadataUpdateReason.ConnectionLost && u.Succeeded).ToTask(Token);
        var changes = new List<ClusterChange>();
        using var subscription = client.Cluster.Changes.Subscribe(changes.Add);

        cluster.SetBrokerDown(2);
        var update = await Within(lost);

        var down = cluster.GetBrokerListener(2);
        Assert.NotEqual($"{down.Host}:{down.Port}", update.Broker); // answered by a broker that is up
        if (DownBrokersLeaveMetadata)
        {
            Assert.False(update.Snapshot.Brokers.ContainsKey(2));
            Assert.Contains(changes, c => c is BrokerRemoved { Broker.NodeId: 2 });
            cluster.SetBrokerUp(2);
            var back = client.Cluster.Changes.OfType<BrokerAdded>().FirstAsync(c => c.Broker.NodeId == 2).ToTask(Token);
            await Within(client.ForceMetadataUpdateAsync(Token));
            Assert.Equal(2, (await Within(back)).Broker.NodeId);
        }
        else
        {
            Assert.True(update.Snapshot.Brokers.ContainsKey(2));
        }
    }

    [Fact]
    public async Task K7_coordinator_lookup_returns_the_broker_the_mock_was_told()
    {
        using var cluster = StartCluster(3);
        await using var client = await Connect(cluster);
        cluster.SetCoordinator(MockCoordinatorType.Group, "billing", 3);
        cluster.SetCoordinator(MockCoordinatorType.Transaction, "billing-tx", 2);

        var group = await Within(client.FindCoordinatorAsync(CoordinatorType.Group, "billing", Token));
        var transaction = await Within(client.FindCoordinatorAsync(CoordinatorType.Transaction, "billing-tx", Token));

        Assert.Equal(3, group.NodeId);
        Assert.Equal(2, transaction.NodeId);
        Assert.Equal(group, client.Snapshot.GetCoordinator(CoordinatorType.Group, "billing"));
        Assert.Equal(cluster.GetBrokerListener(3).Port, group.Port);
    }

    [Fact]
    public async Task K8_waits_for_an_auto_created_topic()
    {
        using var cluster = StartCluster(3);
        await using var client = await Connect(cluster);
        Assert.False(client.Snapshot.Topics.ContainsKey("created-on-demand"));

        var topic = await Within(client.WaitForTopicAsync("created-on-demand", Token));

        Assert.NotEmpty(topic.Partitions);
        Assert.All(topic.Partitions, p => Assert.True(p.Leader >= 1));
        Assert.Contains("created-on-demand", client.TrackedTopics);
    }
}

/// <summary>The client against Debian's librdkafka 2.0.2 mock (Metadata up to v2, nothing flexible).</summary>
public sealed class Debian202ClientTests : ClientTests
{
    protected override MockBuild Build => MockBuild.Debian202;

    protected override bool DownBrokersLeaveMetadata => false;
}

/// <summary>The client against librdkafka 2.15.1's mock (Metadata v12, flexible versions).</summary>
public sealed class Redist2151ClientTests : ClientTests
{
    protected override MockBuild Build => MockBuild.Redist2151;

    protected override bool DownBrokersLeaveMetadata => true;
}
