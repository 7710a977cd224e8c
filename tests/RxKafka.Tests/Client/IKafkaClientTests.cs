// Virtual time: tasks are completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Reflection;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using RxKafka.Testing;

namespace RxKafka.Tests.Client;

/// <summary>
/// IKafkaClient is what user code takes so that its tests can hand it a fake; a producer on a shared
/// client adds no metadata synchronizer of its own; a shared client's options are never silently overridden.
/// </summary>
public sealed class IKafkaClientTests : ClientTestBase
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    // What a user writes: the leader of a partition after a fresh metadata update, and how many topics a broker lists.
    private static async Task<int?> LeaderAfterRefresh(IKafkaClient client, TopicPartition partition)
    {
        var snapshot = await client.ForceMetadataUpdate().ToTask();
        return snapshot.GetLeader(partition.Topic, partition.Partition);
    }

    private static async Task<int> TopicCount(IKafkaClient client) =>
        (await client.SendToAnyBrokerAsync(new MetadataRequest { Topics = null })).Topics.Count;

    [Fact]
    public void Code_written_against_IKafkaClient_runs_on_the_real_client_and_on_a_fake()
    {
        var real = Bootstrapped();
        var leader = Complete(LeaderAfterRefresh(real, new TopicPartition("orders", 0)), Second);
        var topics = Complete(TopicCount(real), Second);

        var fake = new FakeClient(("orders", 0, 3));
        var fakeLeader = LeaderAfterRefresh(fake, new TopicPartition("orders", 0));
        var fakeTopics = TopicCount(fake);

        Assert.Equal(real.Snapshot.GetLeader("orders", 0), leader);
        Assert.Equal(1, topics);
        Assert.Equal(3, fakeLeader.Result);
        Assert.Equal(1, fakeTopics.Result);
        Assert.Equal([ApiKey.Metadata], fake.Sent);
    }

    [Fact]
    public void Snapshots_and_changes_on_the_interface_are_the_clients_cluster_view()
    {
        IKafkaClient client = Bootstrapped();
        var snapshots = new List<ClusterSnapshot>();
        var changes = new List<ClusterChange>();
        using var a = client.Snapshots.Subscribe(snapshots.Add);
        using var b = client.Changes.Subscribe(changes.Add);

        Cluster.SetPartitionLeader("orders", 0, leaderId: client.Snapshot.GetLeader("orders", 0) == 1 ? 2 : 1);
        Complete(client.ForceMetadataUpdate().ToTask(), Second);

        Assert.Same(client.Snapshot, snapshots[^1]);
        Assert.Contains(changes, c => c is LeaderChanged { Topic: "orders", Partition: 0 });
    }

    [Fact]
    public void Every_member_of_IKafkaClient_uses_only_public_types_so_a_fake_can_be_written_outside_the_library()
    {
        var members = typeof(IKafkaClient).GetMembers().OfType<MethodInfo>().ToArray();
        Assert.NotEmpty(members);
        foreach (var method in members)
        {
            Assert.True(method.IsPublic, $"{method.Name} is not public");
            foreach (var type in method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType))
            {
                var plain = type.IsGenericType ? type.GetGenericArguments().Where(t => !t.IsGenericParameter).Append(type.GetGenericTypeDefinition()) : [type];
                Assert.All(plain.Where(t => !t.IsGenericParameter), t => Assert.True(t.IsVisible, $"{method.Name} uses {t}, which is not public"));
            }
        }

        Assert.True(typeof(IAsyncDisposable).IsAssignableFrom(typeof(IKafkaClient)));
        Assert.True(typeof(IKafkaClient).IsAssignableFrom(typeof(KafkaClient)));
    }

    [Fact]
    public void A_producer_on_a_shared_client_adds_no_metadata_synchronizer()
    {
        var period = TimeSpan.FromMinutes(1);
        var client = Bootstrapped(Options with { MetadataMaxAge = period });
        var producer = new KafkaProducer<string?, string?>(client, new ProducerOptions(), Serializers.Utf8, Serializers.Utf8);
        Complete(producer.ProduceAsync("orders", "k", "v"), Second);
        var before = Cluster.MetadataRequests.Count;

        Scheduler.AdvanceBy((period * 5).Ticks);

        // One synchronizer, one refresh per metadata.max.age.ms: a second one would double this.
        Assert.Equal(5, Cluster.MetadataRequests.Count - before);
        Assert.True(Scheduler.AdvanceUntilCompleted(producer.DisposeAsync().AsTask(), Second));
    }

    [Fact]
    public void A_client_setting_in_ProducerOptions_that_the_shared_client_would_override_is_a_config_error()
    {
        var client = Bootstrapped(Options with { RequestTimeout = TimeSpan.FromSeconds(10) });
        var conflicting = new ProducerOptions { Client = new KafkaClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) } };

        var error = Assert.Throws<KafkaConfigException>(() => new KafkaProducer<string?, string?>(client, conflicting, Serializers.Utf8, Serializers.Utf8));

        Assert.Equal("ProducerOptions.Client", error.ConfigName);
        Assert.Contains("RequestTimeout", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ClientId", error.Message, StringComparison.Ordinal); // left at its default: not a conflict
    }

    [Fact]
    public void The_same_config_read_twice_is_not_a_conflict_with_the_shared_client()
    {
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = Cluster.BootstrapServers, ["request.timeout.ms"] = "12000", ["linger.ms"] = "0" };
        var client = Bootstrapped(KafkaClientOptions.FromConfig(config, Scheduler) with { TransportFactory = Cluster, Random = null });
        var producerOptions = ProducerOptions.FromConfig(config, Scheduler);

        var producer = new KafkaProducer<string?, string?>(client, producerOptions, Serializers.Utf8, Serializers.Utf8);

        Assert.Same(client.Options, producer.Options.Client);
        Assert.Equal(TimeSpan.FromSeconds(12), producer.Options.Client.RequestTimeout);
        Assert.True(Scheduler.AdvanceUntilCompleted(producer.DisposeAsync().AsTask(), Second));
    }

    /// <summary>A client with a fixed cluster view that answers Metadata from it: what a user's test would write.</summary>
    private sealed class FakeClient : IKafkaClient
    {
        private readonly BehaviorSubject<ClusterSnapshot> _snapshots;
        private readonly MetadataResponse _metadata;

        public FakeClient(params (string Topic, int Partition, int Leader)[] leaders)
        {
            _metadata = new MetadataResponse
            {
                Brokers = [.. leaders.Select(l => l.Leader).Distinct().Select(id => new MetadataResponse.MetadataResponseBroker { NodeId = id, Host = $"broker-{id}", Port = 9092 })],
                Topics =
                [
                    .. leaders.GroupBy(l => l.Topic).Select(t => new MetadataResponse.MetadataResponseTopic
                    {
                        Name = t.Key,
                        Partitions = [.. t.Select(p => new MetadataResponse.MetadataResponsePartition { PartitionIndex = p.Partition, LeaderId = p.Leader, ReplicaNodes = [p.Leader], IsrNodes = [p.Leader] })],
                    }),
                ],
            };
            _snapshots = new BehaviorSubject<ClusterSnapshot>(ClusterSnapshot.Empty.Apply(_metadata, DateTimeOffset.UnixEpoch));
        }

        public List<ApiKey> Sent { get; } = new();

        public ClusterSnapshot Snapshot => _snapshots.Value;

        public IObservable<ClusterSnapshot> Snapshots => _snapshots;

        public IObservable<ClusterChange> Changes => Observable.Never<ClusterChange>();

        public IObservable<ClusterSnapshot> ForceMetadataUpdate() => Observable.Return(Snapshot);

        public Task<TResponse> SendAsync<TResponse>(int nodeId, KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
            where TResponse : KafkaResponse => Answer(request);

        public Task<TResponse> SendToLeaderAsync<TResponse>(TopicPartition partition, KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
            where TResponse : KafkaResponse => Answer(request);

        public Task<TResponse> SendToAnyBrokerAsync<TResponse>(KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
            where TResponse : KafkaResponse => Answer(request);

        public ValueTask DisposeAsync()
        {
            _snapshots.OnCompleted();
            return ValueTask.CompletedTask;
        }

        private Task<TResponse> Answer<TResponse>(KafkaRequest<TResponse> request)
            where TResponse : KafkaResponse
        {
            Sent.Add(request.ApiKey);
            return request is MetadataRequest
                ? Task.FromResult((TResponse)(KafkaResponse)_metadata)
                : Task.FromException<TResponse>(new NotSupportedException($"the fake answers Metadata only, not {request.ApiKey}"));
        }
    }
}
