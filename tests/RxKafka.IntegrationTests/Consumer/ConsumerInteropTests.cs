using RxKafka.Client;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Consumer;

/// <summary>
/// What peer producers write, RxKafka's consumer reads byte for byte, through librdkafka's mock cluster for
/// each build (the subclasses): Confluent.Kafka, kcat and kafka-python with every codec, keys, null keys, null
/// values, headers (null, empty, duplicated, binary) and timestamps; and (in <see cref="ConsumerLegacyInteropTests"/>)
/// kafka-python's legacy message sets. Each test also checks the codec (and magic) of the
/// stored batches with raw Fetch, so a peer that silently skipped compression would fail it. (The other
/// direction, peers reading what RxKafka's producer writes, is <see cref="Producer.ProducerInteropTests"/>.)
/// </summary>
public abstract class ConsumerInteropTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const long T0 = 1_700_000_000_000;

    private readonly RecordingLoggerFactory _log = new();
    private readonly string _workDir = Directory.CreateTempSubdirectory("rxkafka-consumer-interop-").FullName;

    protected abstract MockBuild Build { get; }

    public static TheoryData<CompressionType> Codecs => new(CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Directory.Delete(_workDir, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task S4_RxKafka_consumes_what_Confluent_Kafka_produces(CompressionType codec)
    {
        using var cluster = StartCluster();
        var topic = NewTopic(cluster, "confluent", codec);
        var big = PeerRecord.Utf8(PeerInputs.Big);
        PeerRecord[] input =
        [
            new(0, -1, PeerRecord.Utf8("order-1"), PeerRecord.Utf8("{\"qty\":1}"), [PeerHeader.Of("trace-id", "abc123"), PeerHeader.Of("null-header", null), PeerHeader.Of("empty", "")], T0),
            new(0, -1, null, PeerRecord.Utf8("unkeyed ✓"), [PeerHeader.Of("dup", "1"), PeerHeader.Of("dup", "2")], T0 + 1),
            new(0, -1, PeerRecord.Utf8("order-1"), null, [], T0 + 2),
            new(0, -1, null, null, [new PeerHeader("binary", [0xff, 0x00])], T0 - 5000),
            new(0, -1, PeerRecord.Utf8("big"), big, [], T0 + 3),
            new(1, -1, [0x00, 0xff, 0x80], [0xde, 0xad, 0xbe, 0xef], [], T0 + 4),
            new(1, -1, PeerRecord.Utf8("big"), big, [], T0 + 5),
            new(2, -1, PeerRecord.Utf8(""), PeerRecord.Utf8(""), [], T0 + 6),
            new(2, -1, PeerRecord.Utf8("ключ-🦀"), big, [], T0 + 1000),
        ];

        var written = await ConfluentPeer.ProduceRecordsAsync(cluster.BootstrapServers, topic, codec, input, Deadline, Token);

        await AssertReadAsync(cluster, topic, Sorted(written), codec, magic: 2, $"Confluent.Kafka {ConfluentPeer.LibraryVersion}");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task S4_RxKafka_consumes_what_kcat_produces(CompressionType codec)
    {
        using var cluster = StartCluster();
        var topic = NewTopic(cluster, "kcat", codec);

        var theirs = Kcat.ProduceSample(cluster.BootstrapServers, topic, codec, _workDir);

        await AssertReadAsync(cluster, topic, theirs, codec, magic: 2, "kcat");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task S4_RxKafka_consumes_what_kafka_python_produces(CompressionType codec)
    {
        using var cluster = StartCluster();
        var topic = NewTopic(cluster, "kafka-python", codec);
        var input = PeerInputs.KafkaPythonRecords(T0);

        var written = KafkaPython.Produce(cluster.BootstrapServers, topic, codec, input, _workDir);

        await AssertReadAsync(cluster, topic, Sorted(written), codec, magic: 2, "kafka-python");
    }

    // A topic of 3 partitions, 3 replicas, for one peer's records in one codec.
    private static string NewTopic(MockKafkaCluster cluster, string peer, CompressionType codec)
    {
        var topic = $"from-{peer}-{codec}".ToLowerInvariant();
        cluster.CreateTopic(topic, 3, 3);
        return topic;
    }

    /// <summary>RxKafka's consumer reads exactly <paramref name="expected"/>, and the stored batches have the codec and magic the peer should have written.</summary>
    private Task AssertReadAsync(MockKafkaCluster cluster, string topic, IReadOnlyList<PeerRecord> expected, CompressionType codec, byte magic, string peer) =>
        AssertReadAsync(ClientOptions(cluster.BootstrapServers, _log), cluster.Version, topic, expected, codec, magic, peer, _log, fromOffsetZero: Build == MockBuild.Debian202);

    /// <summary>RxKafka's consumer reads exactly <paramref name="expected"/>, and the stored batches have the codec and magic the peer should have written.</summary>
    internal static async Task AssertReadAsync(KafkaClientOptions options, string broker, string topic, IReadOnlyList<PeerRecord> expected, CompressionType codec, byte magic, string peer, RecordingLoggerFactory log, bool fromOffsetZero = false)
    {
        IReadOnlyList<PeerRecord> ours;
        try
        {
            ours = await ConsumerReads.ReadTopicAsync(options, topic, Token, fromOffsetZero).WaitAsync(Deadline, Token);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"RxKafka's consumer did not reach the end of {topic} within {Deadline}; log:\n{log.Tail()}");
            throw;
        }

        Assert.Equal(expected.Select(r => r.ToString()), ours.Select(r => r.ToString()));
        await using var client = await KafkaClient.ConnectAsync(options, Token).WaitAsync(Deadline, Token);
        var stored = await RawFetch.ReadTopicAsync(client, topic, Token).WaitAsync(Deadline, Token);
        Assert.All(stored, b => Assert.Equal((codec, magic), (b.Compression, b.Magic)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{broker}: {ours.Count} records from {peer} in {stored.Count} {codec} batches (magic {magic}) read by RxKafka's consumer");
    }

    internal static List<PeerRecord> Sorted(IEnumerable<PeerRecord> records) => records.OrderBy(r => r.Partition).ThenBy(r => r.Offset).ToList();

    private MockKafkaCluster StartCluster()
    {
        Prerequisites.RequireLibrary(Build);
        return MockKafkaCluster.Start(3, Build);
    }

    internal static KafkaClientOptions ClientOptions(string bootstrap, RecordingLoggerFactory log) => KafkaClientOptions.FromBootstrap(bootstrap) with
    {
        LoggerFactory = log,
        RetryBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectBackoff = TimeSpan.FromMilliseconds(20),
        ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
    };
}

/// <summary>
/// Through Debian's librdkafka 2.0.2 mock (Fetch up to v11, nothing flexible). The partitions are assigned at
/// offset 0: in some runs (2 to 4 of 15 tests) this mock answers the consumer's ListOffsets to one broker with
/// UNKNOWN_SERVER_ERROR for partition -1, every time it retries, so finding the start with auto.offset.reset
/// never ends; not seen through the 2.15.1 mock or the scripted cluster. Open: whether the mock or RxKafka's
/// ListOffsets at the version it negotiates with 2.0.2 is at fault (a suspicion: a request naming two
/// partitions of one topic, when one broker leads two of the three).
/// </summary>
public sealed class Debian202ConsumerInteropTests : ConsumerInteropTests
{
    protected override MockBuild Build => MockBuild.Debian202;
}

/// <summary>Through librdkafka 2.15.1's mock (Fetch v16 with topic ids, flexible versions).</summary>
public sealed class Redist2151ConsumerInteropTests : ConsumerInteropTests
{
    protected override MockBuild Build => MockBuild.Redist2151;
}
