using System.Globalization;
using System.Text;
using RxKafka.Client;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Producer;

/// <summary>
/// The <c>partitioner</c> setting against librdkafka itself: for each value, Confluent.Kafka 2.15.1 and
/// RxKafka's producer each send the same 200 records (text, unicode, binary, empty and null keys) to a
/// 7-partition topic of librdkafka 2.15.1's mock cluster, and every record whose partition the setting
/// decides (not those it leaves to chance: null keys under the <c>_random</c> variants and
/// <c>random</c>, empty keys under <c>consistent_random</c>, every key under <c>random</c>) lands on the
/// same partition with both clients.
/// </summary>
public sealed class ProducerPartitionerPeerTests
{
    private const int PartitionCount = 7;
    private const int NullKeys = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly RecordingLoggerFactory _log = new();

    public static TheoryData<string> Settings =>
        new("murmur2_random", "murmur2", "consistent_random", "consistent", "fnv1a_random", "fnv1a", "random");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task Every_key_lands_on_the_partition_Confluent_Kafka_picks_with_the_same_partitioner(string setting)
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        var keys = Keys();
        var fromConfluent = $"confluent-{setting}".Replace('_', '-');
        var fromRxKafka = $"rxkafka-{setting}".Replace('_', '-');
        cluster.CreateTopic(fromConfluent, PartitionCount, 1);
        cluster.CreateTopic(fromRxKafka, PartitionCount, 1);

        var theirs = await ConfluentPeer.ProduceAsync(cluster.BootstrapServers, fromConfluent, setting, keys, Deadline, Token);
        var ours = await ProduceAsync(cluster, fromRxKafka, setting, keys);

        var decided = Enumerable.Range(0, keys.Count).Where(i => Decides(setting, keys[i])).ToList();
        var differ = decided.Where(i => theirs[i] != ours[i]).Select(i => $"{Describe(keys[i])}: Confluent {theirs[i]}, RxKafka {ours[i]}").ToList();
        Assert.True(differ.Count == 0, $"{setting}: {differ.Count} of {decided.Count} keys land elsewhere:\n{string.Join('\n', differ.Take(20))}");

        // What the setting leaves to chance still spreads: 200 records on one partition would be no partitioner at all.
        if (setting == "random")
        {
            Assert.True(theirs.Distinct().Count() > 1 && ours.Distinct().Count() > 1, $"random put every record on one partition: Confluent {theirs.Distinct().Count()}, RxKafka {ours.Distinct().Count()}");
        }

        var nullPartitions = ours.Take(NullKeys).Distinct().ToList();
        Output($"{setting}: {decided.Count} of {keys.Count} keys decided by the setting, all on Confluent.Kafka's partitions "
            + $"(librdkafka {ConfluentPeer.LibraryVersion} client, mock {cluster.Version}); null keys on {string.Join(",", nullPartitions)} (Confluent: {string.Join(",", theirs.Take(NullKeys).Distinct())})");
        if (Environment.GetEnvironmentVariable("RXKAFKA_PARTITIONER_VECTORS") == "1")
        {
            // The unit tests' vectors (LibrdkafkaPartitionerTests) were copied from this output.
            foreach (var i in decided.Where(i => i % 10 == 1 || keys[i] is { Length: 0 }))
            {
                Output($"vector {setting} {(keys[i] is { } k ? Convert.ToHexString(k) : "null")} -> {theirs[i]}");
            }
        }
    }

    // Whether librdkafka's partitioner decides this record's partition, rather than chance or stickiness.
    private static bool Decides(string setting, byte[]? key) => setting switch
    {
        "random" => false,
        "consistent_random" => key is { Length: > 0 },
        "murmur2_random" or "fnv1a_random" => key is not null,
        _ => true,
    };

    private async Task<int[]> ProduceAsync(MockKafkaCluster cluster, string topic, string setting, IReadOnlyList<byte[]?> keys)
    {
        var options = ProducerOptions.FromConfig(new()
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["partitioner"] = setting,
            ["linger.ms"] = "5",
        });
        await using var producer = new KafkaProducer<byte[]?, byte[]?>(
            options with { Client = options.Client with { LoggerFactory = _log, RetryBackoff = TimeSpan.FromMilliseconds(50) } },
            Serializers.ByteArray,
            Serializers.ByteArray);
        var deliveries = keys.Select((key, i) => producer.ProduceAsync(new ProducerRecord<byte[]?, byte[]?>(topic, key, [(byte)i]), Token)).ToArray();
        try
        {
            var delivered = await Task.WhenAll(deliveries).WaitAsync(Deadline, Token);
            return [.. delivered.Select(m => m.Partition)];
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{deliveries.Count(d => !d.IsCompleted)} of {keys.Count} records not delivered within {Deadline}; log:\n{_log.Tail()}");
            throw;
        }
    }

    // 200 keys: null ones first, then empty, text, unicode, binary edge cases and seeded random bytes.
    private static List<byte[]?> Keys()
    {
        var keys = new List<byte[]?>();
        keys.AddRange(Enumerable.Repeat<byte[]?>(null, NullKeys));
        keys.Add([]);
        keys.AddRange(Enumerable.Range(0, 60).Select(i => Encoding.UTF8.GetBytes($"key-{i}")));
        string[] unicode =
        [
            "naïve", "日本語のキー", "🙂", "Ελληνικά", "Привет", "مرحبا", "עברית", "ÅÄÖ", "e\u0301", "\u00e9", "ß", "中文", "한국어", "🚀🔥 emoji",
            "order/2026/07/23", "user@example.com", " ", "\t\n", "a", "ab", "abc", "abcd", "abcde",
        ];
        keys.AddRange(unicode.Select(Encoding.UTF8.GetBytes));
        for (var length = 1; length <= 8; length++)
        {
            keys.Add(new byte[length]);
            keys.Add(Enumerable.Repeat((byte)0xFF, length).ToArray());
            keys.Add(Enumerable.Repeat((byte)0x80, length).ToArray());
        }

        // FNV-1a of these bytes is 0x80000000: the one hash whose absolute value does not fit an int.
        keys.Add(Convert.FromHexString("0E9C450115"));
        keys.Add(new byte[1000]);
        keys.Add(BitConverter.GetBytes(42L));
        var random = new Random(20260723);
        while (keys.Count < 200)
        {
            var key = new byte[random.Next(1, 65)];
            random.NextBytes(key);
            keys.Add(key);
        }

        return keys;
    }

    private static string Describe(byte[]? key) => key switch
    {
        null => "null key",
        { Length: 0 } => "empty key",
        { Length: > 32 } => $"{key.Length}-byte key {Convert.ToHexString(key, 0, 8)}...",
        _ => $"key {Convert.ToHexString(key)} ({key.Length.ToString(CultureInfo.InvariantCulture)} bytes)",
    };

    private static void Output(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
