using System.Reactive.Concurrency;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol;
using RxKafka.Testing.Network;

namespace RxKafka.IntegrationTests.Consumer;

/// <summary>
/// Legacy message sets (magic 1 and magic 0, every codec they had) that kafka-python writes when pinned to an
/// old broker version, read by RxKafka's consumer byte for byte. Through the scripted cluster served over TCP:
/// both librdkafka mock builds answer kafka-python's old Produce versions with UNSUPPORTED_VERSION for these.
/// </summary>
public sealed class ConsumerLegacyInteropTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;

    private readonly RecordingLoggerFactory _log = new();
    private readonly string _workDir = Directory.CreateTempSubdirectory("rxkafka-consumer-legacy-").FullName;

    /// <summary>kafka-python's api_version pins and the codecs of their message formats (zstd came with magic 2).</summary>
    public static TheoryData<string, CompressionType> LegacyFormats
    {
        get
        {
            var data = new TheoryData<string, CompressionType>();
            foreach (var version in new[] { "0.10.0", "0.9" })
            {
                foreach (var codec in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4 })
                {
                    data.Add(version, codec);
                }
            }

            return data;
        }
    }

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Theory]
    [MemberData(nameof(LegacyFormats))]
    public async Task S4_RxKafka_consumes_legacy_message_sets_kafka_python_writes_for_old_brokers(string apiVersion, CompressionType codec)
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        var magic = apiVersion == "0.9" ? (byte)0 : (byte)1;
        var topic = $"legacy-v{magic}-{codec}".ToLowerInvariant();
        cluster.CreateTopic(topic, partitions: 2);
        await using var server = cluster.ServeTcp();
        // No headers before magic 2; magic 0 has no timestamps either.
        var big = PeerRecord.Utf8(PeerInputs.Big);
        PeerRecord[] input =
        [
            new(0, -1, PeerRecord.Utf8("order-1"), PeerRecord.Utf8("{\"qty\":1}"), [], T0),
            new(0, -1, null, PeerRecord.Utf8("unkeyed ✓"), [], T0 + 1),
            new(0, -1, PeerRecord.Utf8("order-1"), null, [], T0 + 2),
            new(0, -1, [0x00, 0xff, 0x80], [0xde, 0xad, 0xbe, 0xef, 0x00], [], T0 - 5000),
            new(0, -1, PeerRecord.Utf8("big"), big, [], T0 + 3),
            new(1, -1, PeerRecord.Utf8("ключ-🦀"), big, [], T0 + 1000),
            new(1, -1, PeerRecord.Utf8("k"), PeerRecord.Utf8(""), [], T0 + 4),
        ];

        var written = KafkaPython.Produce(server.BootstrapServers, topic, codec, input, _workDir, apiVersion);

        var expected = ConsumerInteropTests.Sorted(written.Select(r => magic == 0 ? r with { Timestamp = -1 } : r));
        Assert.Equal(expected.Select(r => r.ToString()), KafkaPython.Consume(server.BootstrapServers, topic).Select(r => r.ToString()));
        await ConsumerInteropTests.AssertReadAsync(ConsumerInteropTests.ClientOptions(server.BootstrapServers, _log), "scripted cluster", topic, expected, codec, magic, $"kafka-python api_version {apiVersion}", _log);
    }
}
