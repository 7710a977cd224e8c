using System.Buffers;
using System.Text;
using RxKafka.Client;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Producer;

/// <summary>
/// Errors that fail records instead of being retried, against librdkafka's mock cluster for each
/// build (the subclasses): the broker's non-retriable answers (MESSAGE_TOO_LARGE,
/// TOPIC_AUTHORIZATION_FAILED) fail only the records they concern, with an error naming the
/// partition, the broker and Kafka's error; bad input (a throwing serializer, a record over
/// max.request.size) fails only its record, before anything is sent. Everything else is delivered,
/// and the topics read back by kcat hold exactly the delivered records, numbered as a broker's
/// sequence checks require (the mock does not check them for idempotent producers; see
/// <see cref="IdempotentLog"/>).
/// </summary>
public abstract class ProducerErrorTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly RecordingLoggerFactory _log = new();

    protected abstract MockBuild Build { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task MESSAGE_TOO_LARGE_fails_only_the_oversized_record_and_its_partition_goes_on()
    {
        // The mock has no message.max.bytes: it appends any size. Its leader answers the error
        // when told to (PushBrokerRequestErrors), as a broker does for a batch over the limit.
        using var cluster = StartCluster();
        cluster.CreateTopic("sizes", 3, 3);
        LeadEachPartitionByItsOwnBroker(cluster, "sizes");
        await using var producer = Producer(cluster);
        var expected = new List<string>();
        await Delivered(expected, Enumerable.Range(0, 3).Select(p => Record("sizes", p, $"warm-up {p}")).Select(r => (r, producer.ProduceAsync(r, Token))));

        // Over batch.size, so the record has a batch (and partition 0's Produce request) to itself;
        // under max.request.size, so the producer sends it.
        cluster.PushBrokerRequestErrors(Leader(0), ApiKey.Produce, ErrorCode.MessageTooLarge);
        var oversized = producer.ProduceAsync(Record("sizes", 0, new string('x', 200_000)), Token);
        var others = Enumerable.Range(0, 40).Select(i => Record("sizes", 1 + (i % 2), $"other {i}")).Select(r => (r, producer.ProduceAsync(r, Token))).ToList();

        var error = await Assert.ThrowsAsync<RecordTooLargeException>(() => oversized.WaitAsync(Deadline, Token));
        Assert.Equal(ErrorCode.MessageTooLarge, error.ErrorCode);
        Assert.Contains("sizes-0", error.Message);
        Assert.Contains($"broker {Leader(0)}", error.Message);
        Assert.Contains("MESSAGE_TOO_LARGE", error.Message);
        await Delivered(expected, others);
        await Delivered(expected, Enumerable.Range(0, 10).Select(i => Record("sizes", 0, $"after {i}")).Select(r => (r, producer.ProduceAsync(r, Token))));

        await AssertTopicHolds(cluster, producer, "sizes", expected);
        Output($"{cluster.Version}: {error.Message}");
    }

    [Fact]
    public async Task TOPIC_AUTHORIZATION_FAILED_on_Produce_fails_only_that_topics_records()
    {
        using var cluster = StartCluster();
        cluster.CreateTopic("allowed", 2, 3);
        cluster.CreateTopic("denied", 1, 3);
        cluster.SetPartitionLeader("allowed", 0, 1);
        cluster.SetPartitionLeader("allowed", 1, 2);
        cluster.SetPartitionLeader("denied", 0, 3);
        await using var producer = Producer(cluster);
        var expected = new List<string>();
        await Delivered(expected, new[] { Record("allowed", 0, "warm-up 0"), Record("allowed", 1, "warm-up 1"), Record("denied", 0, "warm-up denied") }.Select(r => (r, producer.ProduceAsync(r, Token))));

        cluster.PushBrokerRequestErrors(3, ApiKey.Produce, ErrorCode.TopicAuthorizationFailed);
        var denied = Enumerable.Range(0, 10).Select(i => producer.ProduceAsync(Record("denied", 0, $"denied {i}"), Token)).ToList();
        var allowed = Enumerable.Range(0, 40).Select(i => Record("allowed", i % 2, $"allowed {i}")).Select(r => (r, producer.ProduceAsync(r, Token))).ToList();

        foreach (var record in denied)
        {
            var error = await Assert.ThrowsAsync<TopicAuthorizationException>(() => record.WaitAsync(Deadline, Token));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.ErrorCode);
            Assert.Contains("denied-0", error.Message);
            Assert.Contains("TOPIC_AUTHORIZATION_FAILED", error.Message);
        }

        await Delivered(expected, allowed);
        // Granted again (the next Produce is answered normally): the partition takes records again.
        await Delivered(expected, Enumerable.Range(0, 5).Select(i => Record("denied", 0, $"granted {i}")).Select(r => (r, producer.ProduceAsync(r, Token))));

        await AssertTopicHolds(cluster, producer, "allowed", expected.Where(v => !v.Contains("denied", StringComparison.Ordinal) && !v.StartsWith("granted", StringComparison.Ordinal)).ToList());
        await AssertTopicHolds(cluster, producer, "denied", ["warm-up denied", .. Enumerable.Range(0, 5).Select(i => $"granted {i}")]);
        Output($"{cluster.Version}: {denied[0].Exception!.InnerException!.Message}");
    }

    [Fact]
    public async Task TOPIC_AUTHORIZATION_FAILED_in_metadata_fails_that_topics_records_at_once_and_others_go_on()
    {
        using var cluster = StartCluster();
        cluster.CreateTopic("allowed", 2, 3);
        cluster.CreateTopic("secret", 1, 3);
        cluster.SetTopicError("secret", ErrorCode.TopicAuthorizationFailed);
        await using var producer = Producer(cluster);

        var secret = producer.ProduceAsync(Record("secret", null, "not for you"), Token);
        var allowed = Enumerable.Range(0, 20).Select(i => Record("allowed", null, $"allowed {i}")).Select(r => (r, producer.ProduceAsync(r, Token))).ToList();

        // Long before max.block.ms (60 s): the broker's answer is final.
        var error = await Assert.ThrowsAsync<TopicAuthorizationException>(() => secret.WaitAsync(Deadline, Token));
        Assert.Contains("'secret'", error.Message);
        var expected = new List<string>();
        await Delivered(expected, allowed);
        await AssertTopicHolds(cluster, producer, "allowed", expected);
        Output($"{cluster.Version}: {error.Message}");
    }

    [Fact]
    public async Task A_serializer_that_throws_fails_only_its_record()
    {
        using var cluster = StartCluster();
        cluster.CreateTopic("serialized", 2, 3);
        await using var producer = new KafkaProducer<string?, string?>(Options(cluster), Serializers.Utf8, new ThrowsOn("poison"));
        var records = Enumerable.Range(0, 21).Select(i => Record("serialized", i % 2, i == 10 ? "poison" : $"fine {i}")).ToList();

        var outcomes = records.Select(r => (r, producer.ProduceAsync(r, Token))).ToList();

        var error = await Assert.ThrowsAsync<SerializationException>(() => outcomes[10].Item2.WaitAsync(Deadline, Token));
        Assert.Contains("poison", error.InnerException?.Message ?? error.Message);
        var expected = new List<string>();
        await Delivered(expected, outcomes.Where((_, i) => i != 10));
        Assert.Equal(20, expected.Count);
        await AssertTopicHolds(cluster, producer, "serialized", expected);
        Output($"{cluster.Version}: {error.Message}");
    }

    [Fact]
    public async Task A_record_over_max_request_size_fails_before_sending_naming_the_limit()
    {
        using var cluster = StartCluster();
        cluster.CreateTopic("limited", 1, 3);
        await using var producer = new KafkaProducer<string?, string?>(Options(cluster) with { MaxRequestSize = 10_000 }, Serializers.Utf8, Serializers.Utf8);
        var expected = new List<string>();
        await Delivered(expected, [(Record("limited", 0, "before"), producer.ProduceAsync(Record("limited", 0, "before"), Token))]);

        var tooLarge = producer.ProduceAsync(Record("limited", 0, new string('x', 20_000)), Token);

        // Failed in the call itself: it never reached a batch, let alone the broker.
        Assert.True(tooLarge.IsFaulted, $"the record over max.request.size is {tooLarge.Status} right after ProduceAsync");
        var error = await Assert.ThrowsAsync<RecordTooLargeException>(() => tooLarge);
        Assert.Contains("max.request.size (10000 bytes)", error.Message);
        await Delivered(expected, [(Record("limited", 0, "after"), producer.ProduceAsync(Record("limited", 0, "after"), Token))]);
        await AssertTopicHolds(cluster, producer, "limited", expected);
        Output($"{cluster.Version}: {error.Message}");
    }

    private static int Leader(int partition) => partition + 1;

    private static void LeadEachPartitionByItsOwnBroker(MockKafkaCluster cluster, string topic)
    {
        for (var partition = 0; partition < 3; partition++)
        {
            cluster.SetPartitionLeader(topic, partition, Leader(partition));
        }
    }

    private static ProducerRecord<string?, string?> Record(string topic, int? partition, string value) =>
        new(topic, value.Length <= 40 ? $"key-{value}" : "key-large", value) { Partition = partition };

    private static async Task Delivered(List<string> delivered, IEnumerable<(ProducerRecord<string?, string?> Record, Task<RecordMetadata> Outcome)> records)
    {
        foreach (var (record, outcome) in records.ToList())
        {
            await outcome.WaitAsync(Deadline, Token);
            delivered.Add(record.Value!);
        }
    }

    /// <summary>kcat reads exactly <paramref name="expected"/> from the topic (any order across partitions), numbered as a broker requires.</summary>
    private async Task AssertTopicHolds(MockKafkaCluster cluster, KafkaProducer<string?, string?> producer, string topic, IReadOnlyList<string> expected)
    {
        var read = Kcat.Consume(cluster.BootstrapServers, topic);
        Assert.Equal(expected.Order(), read.Select(r => Encoding.UTF8.GetString(r.Value!)).Order());
        var batches = await RawFetch.ReadTopicAsync(producer.Client, topic, Token).WaitAsync(Deadline, Token);
        var rebuilt = IdempotentLog.Rebuild(batches);
        Assert.True(rebuilt.Problems.Count == 0, $"{topic}: {string.Join('\n', rebuilt.Problems)}\nbatches:\n{string.Join('\n', batches.Select(b => $"{b.Partition}@{b.BaseOffset}: epoch {b.ProducerEpoch} sequence {b.BaseSequence}, {b.RecordCount} record(s)"))}\nlog:\n{_log.Tail(60)}");
    }

    private static void Output(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private MockKafkaCluster StartCluster()
    {
        Prerequisites.RequireLibrary(Build);
        Prerequisites.RequireKcat();
        return MockKafkaCluster.Start(3, Build);
    }

    private ProducerOptions Options(MockKafkaCluster cluster) => new()
    {
        Client = KafkaClientOptions.FromBootstrap(cluster.BootstrapServers) with
        {
            LoggerFactory = _log,
            RetryBackoff = TimeSpan.FromMilliseconds(20),
            RetryBackoffMax = TimeSpan.FromMilliseconds(250),
        },
    };

    private KafkaProducer<string?, string?> Producer(MockKafkaCluster cluster) => new(Options(cluster), Serializers.Utf8, Serializers.Utf8);

    /// <summary>UTF-8, except that one value makes it throw.</summary>
    private sealed class ThrowsOn(string poison) : ISerializer<string?>
    {
        public bool IsNull(string? value) => value is null;

        public void Serialize(string? value, IBufferWriter<byte> output, in SerializationContext context)
        {
            if (value == poison)
            {
                throw new InvalidOperationException($"cannot serialize '{poison}'");
            }

            Serializers.Utf8.Serialize(value, output, context);
        }
    }
}

/// <summary>Record errors through Debian's librdkafka 2.0.2 mock.</summary>
public sealed class Debian202ProducerErrorTests : ProducerErrorTests
{
    protected override MockBuild Build => MockBuild.Debian202;
}

/// <summary>Record errors through librdkafka 2.15.1's mock.</summary>
public sealed class Redist2151ProducerErrorTests : ProducerErrorTests
{
    protected override MockBuild Build => MockBuild.Redist2151;
}
