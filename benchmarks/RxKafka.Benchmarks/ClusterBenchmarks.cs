using BenchmarkDotNet.Attributes;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Benchmarks;

/// <summary>
/// The cluster view at scale: a Metadata answer of 50 brokers and 10,000 topics × 10 partitions
/// (replication 3), applied to an empty snapshot, applied again unchanged (the periodic refresh),
/// and applied with 1% of the partitions led elsewhere; the diff of that; decoding the answer (v12)
/// for scale.
/// </summary>
[MemoryDiagnoser]
public class ClusterBenchmarks
{
    private const int Brokers = 50;
    private const int Topics = 10_000;
    private const int PartitionsPerTopic = 10;
    private const short Version = 12;

    private static readonly DateTimeOffset At = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private MetadataResponse _response = null!;
    private MetadataResponse _moved = null!;
    private byte[] _bytes = [];
    private ClusterSnapshot _snapshot = null!;
    private ClusterSnapshot _movedSnapshot = null!;

    [GlobalSetup]
    public void Setup()
    {
        _response = Answer(movedEvery: 0);
        _moved = Answer(movedEvery: 100);
        _bytes = _response.ToArray(Version);
        _snapshot = ClusterSnapshot.Empty.Apply(_response, At);
        _movedSnapshot = _snapshot.Apply(_moved, At);
        var changes = ClusterDiff.Between(_snapshot, _movedSnapshot).Count;
        Console.WriteLine($"// {_bytes.Length:N0} bytes at v{Version}; {changes:N0} changes when 1% of the partitions move");
    }

    [Benchmark]
    public ClusterSnapshot Apply_first() => ClusterSnapshot.Empty.Apply(_response, At);

    [Benchmark]
    public ClusterSnapshot Apply_unchanged() => _snapshot.Apply(_response, At);

    [Benchmark]
    public ClusterSnapshot Apply_1pct_leaders_moved() => _snapshot.Apply(_moved, At);

    [Benchmark]
    public int Diff_1pct_leaders_moved() => ClusterDiff.Between(_snapshot, _movedSnapshot).Count;

    [Benchmark]
    public int Apply_and_diff_1pct_leaders_moved() => ClusterDiff.Between(_snapshot, _snapshot.Apply(_moved, At)).Count;

    [Benchmark]
    public MetadataResponse Decode_v12()
    {
        var reader = new KafkaReader(_bytes);
        var response = new MetadataResponse();
        response.Read(ref reader, Version);
        return response;
    }

    /// <summary>The cluster's answer; with <paramref name="movedEvery"/> &gt; 0, every such partition is led by its next replica.</summary>
    private static MetadataResponse Answer(int movedEvery)
    {
        string[] racks = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
        string[] domains = ["payments", "orders", "inventory", "shipping", "customers", "billing", "search", "fraud", "catalog", "pricing"];
        string[] entities = ["order", "invoice", "refund", "shipment", "account", "session", "product", "cart", "quote", "ledger-entry"];
        string[] events = ["created", "updated", "deleted", "snapshot", "audit"];

        var response = new MetadataResponse { ClusterId = "kJ3d9QxXRcOa1mB7yH2pLw", ControllerId = 7 };
        for (var id = 1; id <= Brokers; id++)
        {
            response.Brokers.Add(new() { NodeId = id, Host = $"kafka-{id:D2}.prod.eu-west-1.internal", Port = 9092, Rack = racks[id % racks.Length] });
        }

        var partition = 0;
        for (var t = 0; t < Topics; t++)
        {
            var name = t == 0
                ? "__consumer_offsets"
                : $"{domains[t % domains.Length]}.{entities[t / domains.Length % entities.Length]}.{events[t / 100 % events.Length]}-v{(t / 500) + 1}";
            var topic = new MetadataResponse.MetadataResponseTopic { Name = name, TopicId = new Guid(t, 0x5eed, 0x0001, new byte[8]), IsInternal = t == 0 };
            for (var p = 0; p < PartitionsPerTopic; p++, partition++)
            {
                var first = partition % Brokers;
                List<int> replicas = [first + 1, ((first + 1) % Brokers) + 1, ((first + 2) % Brokers) + 1];
                var moved = movedEvery > 0 && partition % movedEvery == 0;
                topic.Partitions.Add(new()
                {
                    PartitionIndex = p,
                    LeaderId = moved ? replicas[1] : replicas[0],
                    LeaderEpoch = moved ? 13 : 12,
                    ReplicaNodes = replicas,
                    IsrNodes = [.. replicas],
                });
            }

            response.Topics.Add(topic);
        }

        return response;
    }
}
