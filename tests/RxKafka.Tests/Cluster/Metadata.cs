using System.Text;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;
using ResponseBroker = RxKafka.Protocol.Messages.MetadataResponse.MetadataResponseBroker;
using ResponsePartition = RxKafka.Protocol.Messages.MetadataResponse.MetadataResponsePartition;
using ResponseTopic = RxKafka.Protocol.Messages.MetadataResponse.MetadataResponseTopic;

namespace RxKafka.Tests.Cluster;

/// <summary>
/// Metadata answers for the cluster tests, built as a broker would send them, and sent through the
/// generated codec at a version so that what a version lacks is really lacking.
/// </summary>
internal static class Metadata
{
    /// <summary>The time every test update happens at, unless a test says otherwise.</summary>
    public static readonly DateTimeOffset T0 = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly Guid OrdersId = new("6f1c0a4e-5b0d-4c6a-9a57-0d6f5a1e0001");
    public static readonly Guid PaymentsId = new("6f1c0a4e-5b0d-4c6a-9a57-0d6f5a1e0002");
    public static readonly Guid OffsetsId = new("6f1c0a4e-5b0d-4c6a-9a57-0d6f5a1e0003");

    /// <summary>Every Metadata version RxKafka speaks.</summary>
    public static TheoryData<short> AllVersions() => new(Enumerable.Range(0, 13).Select(v => (short)v));

    public static ResponseBroker Broker(int id, string? rack = null, string? host = null, int port = 9092) =>
        new() { NodeId = id, Host = host ?? $"broker-{id}.kafka.internal", Port = port, Rack = rack };

    /// <summary>Brokers 1..<paramref name="count"/>, in racks rack-a, rack-b, ...</summary>
    public static ResponseBroker[] Brokers(int count = 3) =>
        Enumerable.Range(1, count).Select(id => Broker(id, rack: $"rack-{(char)('a' + id - 1)}")).ToArray();

    /// <summary>A partition; the ISR defaults to the replicas, the replicas to the leader alone.</summary>
    public static ResponsePartition Partition(int index, int leader, int epoch = -1, int[]? replicas = null, int[]? isr = null, int[]? offline = null, ErrorCode error = ErrorCode.None)
    {
        var assigned = replicas ?? (leader >= 0 ? [leader] : []);
        return new()
        {
            PartitionIndex = index,
            LeaderId = leader,
            LeaderEpoch = epoch,
            ReplicaNodes = [.. assigned],
            IsrNodes = [.. isr ?? assigned],
            OfflineReplicas = [.. offline ?? []],
            ErrorCode = (short)error,
        };
    }

    /// <summary>
    /// <paramref name="count"/> partitions with replication 3 over brokers 1..<paramref name="brokers"/>:
    /// partition i is led by broker 1 + (i mod brokers), its replicas the next ones round the ring.
    /// </summary>
    public static ResponsePartition[] Partitions(int count, int epoch = -1, int brokers = 3) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var leader = 1 + (i % brokers);
            int[] replicas = [leader, 1 + ((i + 1) % brokers), 1 + ((i + 2) % brokers)];
            return Partition(i, leader, epoch, replicas);
        }).ToArray();

    public static ResponseTopic Topic(string? name, IEnumerable<ResponsePartition> partitions, Guid id = default, bool isInternal = false, ErrorCode error = ErrorCode.None) =>
        new() { Name = name, TopicId = id, IsInternal = isInternal, ErrorCode = (short)error, Partitions = [.. partitions] };

    /// <summary>A topic answered with an error and no partitions.</summary>
    public static ResponseTopic Failed(string name, ErrorCode error) => Topic(name, [], error: error);

    public static MetadataResponse Response(IEnumerable<ResponseTopic> topics, int controller = 1, string? clusterId = "cluster-a", IEnumerable<ResponseBroker>? brokers = null) =>
        new() { Brokers = [.. brokers ?? Brokers()], ControllerId = controller, ClusterId = clusterId, Topics = [.. topics] };

    public static MetadataResponse Response(params ResponseTopic[] topics) => Response((IEnumerable<ResponseTopic>)topics);

    /// <summary>The response written at <paramref name="version"/> and read back at it: what a client of that version receives.</summary>
    public static MetadataResponse AtVersion(this MetadataResponse response, short version)
    {
        var bytes = response.ToArray(version);
        var reader = new KafkaReader(bytes);
        var decoded = new MetadataResponse();
        decoded.Read(ref reader, version);
        Assert.True(reader.End, $"Metadata v{version}: {reader.Remaining} bytes left unread");
        return decoded;
    }

    /// <summary>The first snapshot: <see cref="ClusterSnapshot.Empty"/> with <paramref name="response"/> applied.</summary>
    public static ClusterSnapshot Snapshot(MetadataResponse response) => ClusterSnapshot.Empty.Apply(response, T0);

    public static ClusterSnapshot Snapshot(params ResponseTopic[] topics) => Snapshot(Response(topics));

    public static ClusterSnapshot Then(this ClusterSnapshot snapshot, MetadataResponse response, IReadOnlyCollection<string>? requestedTopics = null) =>
        snapshot.Apply(response, T0, requestedTopics);

    /// <summary>What the snapshot should hold for <paramref name="partition"/> of <paramref name="topic"/>.</summary>
    public static PartitionMetadata Expected(string topic, ResponsePartition partition) =>
        new(topic, partition.PartitionIndex, partition.LeaderId, partition.LeaderEpoch, [.. partition.ReplicaNodes], [.. partition.IsrNodes], [.. partition.OfflineReplicas], (ErrorCode)partition.ErrorCode);

    /// <summary>What the snapshot should hold for <paramref name="topic"/>.</summary>
    public static TopicMetadata Expected(ResponseTopic topic) =>
        new(topic.Name!, topic.TopicId, topic.IsInternal, [.. topic.Partitions.Select(p => Expected(topic.Name!, p))], (ErrorCode)topic.ErrorCode);

    /// <summary>Everything a snapshot holds, as text, so that two states compare with one string equality.</summary>
    public static string Dump(ClusterSnapshot snapshot)
    {
        var text = new StringBuilder();
        text.Append($"generation {snapshot.Generation} at {snapshot.UpdatedAt:O} cluster {snapshot.ClusterId ?? "-"} controller {snapshot.ControllerId}\n");
        foreach (var broker in snapshot.Brokers.Values.OrderBy(b => b.NodeId))
        {
            text.Append($"broker {broker}\n");
        }

        foreach (var broker in snapshot.BootstrapBrokers)
        {
            text.Append($"bootstrap {broker}\n");
        }

        foreach (var topic in snapshot.Topics.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            text.Append($"topic {topic.Key}: {topic.Value}\n");
            foreach (var partition in topic.Value.Partitions)
            {
                text.Append($"  {partition}\n");
            }
        }

        foreach (var error in snapshot.TopicErrors.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append($"error {error.Key}: {error.Value}\n");
        }

        text.Append($"unauthorized {string.Join(",", snapshot.UnauthorizedTopics.Order(StringComparer.Ordinal))}\n");
        text.Append($"internal {string.Join(",", snapshot.InternalTopics.Order(StringComparer.Ordinal))}\n");
        foreach (var coordinator in snapshot.Coordinators.OrderBy(c => c.Key.Type).ThenBy(c => c.Key.Key, StringComparer.Ordinal))
        {
            text.Append($"coordinator {coordinator.Key}: {coordinator.Value}\n");
        }

        return text.ToString();
    }
}
