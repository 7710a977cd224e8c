using RxKafka.Client;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Protocol;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Producer;

/// <summary>
/// Records cross between RxKafka and peer clients through librdkafka's mock cluster, for each build
/// (the subclasses) and every codec: what RxKafka's producer writes, kcat and kafka-python read
/// with identical keys, values, headers and timestamps; what kcat and kafka-python write, RxKafka's
/// record-batch reader reads (raw Fetch until the consumer exists). The mock stores batches as
/// they arrive and never decompresses them, so the codecs are the clients' business on both builds
/// (the 2.15.1 mock being built with --disable-zstd does not matter); each test also checks the
/// codec the stored batches carry, so a client that silently skipped compression would fail.
/// </summary>
public abstract class ProducerInteropTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly long T0 = 1_700_000_000_000;

    private readonly RecordingLoggerFactory _log = new();
    private readonly string _workDir = Directory.CreateTempSubdirectory("rxkafka-producer-interop-").FullName;

    protected abstract MockBuild Build { get; }

    public static TheoryData<CompressionType> Codecs => new(CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Peers_read_what_RxKafka_produces(CompressionType codec)
    {
        using var cluster = StartCluster();
        var topic = $"from-rxkafka-{codec}".ToLowerInvariant();
        cluster.CreateTopic(topic, 3, 3);
        var sent = Records(topic, codec);
        await using var producer = new KafkaProducer<string?, string?>(
            Options(cluster) with { CompressionType = codec, Linger = TimeSpan.FromMilliseconds(50) },
            Serializers.Utf8,
            Serializers.Utf8);

        var tasks = sent.Select(r => producer.ProduceAsync(r, Token)).ToList();
        try
        {
            await Task.WhenAll(tasks).WaitAsync(Deadline, Token);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{tasks.Count(t => !t.IsCompleted)} of {tasks.Count} records not delivered within {Deadline}; log:\n{_log.Tail()}");
        }

        var delivered = tasks.Select(t => t.Result).ToArray();

        var expected = sent.Zip(delivered, (r, m) => Expected(r, m)).OrderBy(r => r.Partition).ThenBy(r => r.Offset).Select(r => r.ToString()).ToList();
        Assert.Equal(sent.Count, expected.Distinct().Count());
        foreach (var metadata in delivered)
        {
            // The mock answers every Produce with LogAppendTimeMs 1234 (a real broker sends -1 for a
            // CreateTime topic); like the Java client, the producer reports the broker's time when it gives one.
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1234), metadata.Timestamp);
        }

        Assert.Equal(expected, Kcat.Consume(cluster.BootstrapServers, topic).Select(r => r.ToString()).ToList());
        Assert.Equal(expected, KafkaPython.Consume(cluster.BootstrapServers, topic).Select(r => r.ToString()).ToList());
        var stored = await RawFetch.ReadTopicAsync(producer.Client, topic, Token).WaitAsync(Deadline, Token);
        Assert.Equal(expected, stored.SelectMany(b => b.Records).Select(r => r.ToString()).ToList());
        Assert.All(stored, b => Assert.Equal(codec, b.Compression));
        Assert.All(stored, b => Assert.True(b.ProducerId >= 0, $"batch at {b.Partition}@{b.BaseOffset} has no producer id: idempotence is on by default"));
        Output($"{cluster.Version}: {sent.Count} records in {stored.Count} {codec} batches read back by kcat, kafka-python and raw Fetch v{await RawFetch.VersionAsync(producer.Client, topic, Token)}");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task RxKafka_reads_what_kcat_produces(CompressionType codec)
    {
        using var cluster = StartCluster();
        var topic = $"from-kcat-{codec}".ToLowerInvariant();
        cluster.CreateTopic(topic, 3, 3);
        // kcat -K: -Z: "key:value", an empty key or value is sent as null; one set of headers for every record.
        var (lines, headers) = (PeerInputs.KcatLines, PeerInputs.KcatHeaders);
        var theirs = Kcat.ProduceSample(cluster.BootstrapServers, topic, codec, _workDir);

        await using var client = await KafkaClient.ConnectAsync(ClientOptions(cluster), Token).WaitAsync(Deadline, Token);
        var stored = await RawFetch.ReadTopicAsync(client, topic, Token).WaitAsync(Deadline, Token);
        var ours = stored.SelectMany(b => b.Records).ToList();
        Assert.Equal(theirs.Select(r => r.ToString()), ours.Select(r => r.ToString()));
        var expected = lines.Select(line =>
        {
            var colon = line.IndexOf(':');
            var key = line[..colon];
            var value = line[(colon + 1)..];
            return new PeerRecord(0, 0, key.Length == 0 ? null : PeerRecord.Utf8(key), value.Length == 0 ? null : PeerRecord.Utf8(value), headers, 0).Content;
        });
        var oursWithoutTime = ours.OrderBy(r => r.Timestamp).ThenBy(r => r.Partition).ThenBy(r => r.Offset).Select(r => (r with { Timestamp = 0 }).Content);
        Assert.Equal(expected.Order(), oursWithoutTime.Order());
        Assert.All(ours, r => Assert.InRange(r.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        Assert.All(stored, b => Assert.Equal((1, codec), (b.Partition, b.Compression)));
        Output($"{cluster.Version}: {ours.Count} records from kcat in {stored.Count} {codec} batches read by raw Fetch v{await RawFetch.VersionAsync(client, topic, Token)}");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task RxKafka_reads_what_kafka_python_produces(CompressionType codec)
    {
        using var cluster = StartCluster();
        var topic = $"from-kafka-python-{codec}".ToLowerInvariant();
        cluster.CreateTopic(topic, 3, 3);
        // kafka-python refuses a null header value (KafkaProducer.send asserts bytes) and a record
        // with neither key nor value; everything else is here. Each partition's records fit one
        // batch with a value that compresses (kafka-python sends a batch uncompressed when
        // compression would not shrink it).
        var input = PeerInputs.KafkaPythonRecords(T0);

        var written = KafkaPython.Produce(cluster.BootstrapServers, topic, codec, input, _workDir);

        await using var client = await KafkaClient.ConnectAsync(ClientOptions(cluster), Token).WaitAsync(Deadline, Token);
        var stored = await RawFetch.ReadTopicAsync(client, topic, Token).WaitAsync(Deadline, Token);
        Assert.Equal(
            written.OrderBy(r => r.Partition).ThenBy(r => r.Offset).Select(r => r.ToString()),
            stored.SelectMany(b => b.Records).Select(r => r.ToString()));
        Assert.Equal(2, stored.Count);
        Assert.All(stored, b => Assert.Equal(codec, b.Compression));
        Output($"{cluster.Version}: {written.Count} records from kafka-python in {stored.Count} {codec} batches read by raw Fetch v{await RawFetch.VersionAsync(client, topic, Token)}");
    }

    private static void Output(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>Keys, values, headers and timestamps every reader must give back as they were sent.</summary>
    private static List<ProducerRecord<string?, string?>> Records(string topic, CompressionType codec)
    {
        var big = string.Concat(Enumerable.Repeat("compressible ", 400));
        return
        [
            new(topic, "order-1", "{\"qty\":1,\"sku\":\"A-1\"}") { Timestamp = At(T0), Headers = Headers(("trace-id", "abc123"), ("null-header", null)) },
            new(topic, null, "unkeyed ✓") { Timestamp = At(T0 + 1), Headers = Headers(("h", "é")) },
            new(topic, "order-1", null) { Timestamp = At(T0 + 2) },
            new(topic, "ключ-🦀", "tab\t quote\" backslash\\ control\u0001 end") { Timestamp = At(T0 + 1000), Headers = Headers(("dup", "1"), ("dup", "2"), ("empty", "")) },
            new(topic, "", "") { Timestamp = At(T0 - 5000) },
            new(topic, "big", big) { Timestamp = At(T0 + 3), Headers = Headers(("codec", codec.ToString())) },
            new(topic, null, null) { Timestamp = At(T0 + 4), Headers = Headers(("only", "a header")) },
            new(topic, "explicit-partition", "to partition 2") { Partition = 2, Timestamp = At(T0 + 5) },
        ];
    }

    private static PeerRecord Expected(ProducerRecord<string?, string?> record, RecordMetadata metadata) => new(
        metadata.Partition,
        metadata.Offset,
        PeerRecord.Utf8(record.Key),
        PeerRecord.Utf8(record.Value),
        (record.Headers ?? []).Select(h => new PeerHeader(h.Key, h.Value)).ToList(),
        record.Timestamp!.Value.ToUnixTimeMilliseconds());

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static Headers Headers(params (string Key, string? Value)[] headers)
    {
        var result = new Headers();
        foreach (var (key, value) in headers)
        {
            result.Add(key, PeerRecord.Utf8(value));
        }

        return result;
    }

    private MockKafkaCluster StartCluster()
    {
        Prerequisites.RequireLibrary(Build);
        return MockKafkaCluster.Start(3, Build);
    }

    private KafkaClientOptions ClientOptions(MockKafkaCluster cluster) => KafkaClientOptions.FromBootstrap(cluster.BootstrapServers) with
    {
        LoggerFactory = _log,
        RetryBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectBackoff = TimeSpan.FromMilliseconds(20),
        ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
    };

    private ProducerOptions Options(MockKafkaCluster cluster) => new() { Client = ClientOptions(cluster) };
}

/// <summary>Interop through Debian's librdkafka 2.0.2 mock (Produce up to v7, Fetch up to v11, nothing flexible).</summary>
public sealed class Debian202ProducerInteropTests : ProducerInteropTests
{
    protected override MockBuild Build => MockBuild.Debian202;
}

/// <summary>Interop through librdkafka 2.15.1's mock (Produce v10, Fetch v16 with topic ids, flexible versions).</summary>
public sealed class Redist2151ProducerInteropTests : ProducerInteropTests
{
    protected override MockBuild Build => MockBuild.Redist2151;
}
