using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.RegularExpressions;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.IntegrationTests.Support;
using RxKafka.IntegrationTests.Testing;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Consumer.Groups;

/// <summary>
/// KIP-848 groups (group.protocol=consumer, R7) on librdkafka 2.15.1's mock cluster, whose coordinator
/// answers ConsumerGroupHeartbeat and assigns on the broker side; and the clear error where a broker
/// (the 2.0.2 mock) has no such API.
/// </summary>
public sealed class Kip848GroupTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task R7_members_of_a_consumer_protocol_group_split_the_partitions_with_no_overlap_and_no_gap_as_members_come_and_go()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic("kip848", 6, 1);
        var log = new RecordingLoggerFactory();
        var options = Options(cluster, log);
        await using var a = new KafkaConsumer<string?, string?>(options, Deserializers.Utf8, Deserializers.Utf8);
        var aEvents = a.Rebalances.Replay();
        using var aConnected = aEvents.Connect();
        a.Subscribe(["kip848"]);
        await Until(aEvents, () => a.Assignment.Count == 6, () => $"a alone: [{string.Join(", ", a.Assignment)}]");

        var b = new KafkaConsumer<string?, string?>(options, Deserializers.Utf8, Deserializers.Utf8);
        var bEvents = b.Rebalances.Replay();
        using var bConnected = bEvents.Connect();
        b.Subscribe(["kip848"]);
        await Until(
            aEvents.Merge(bEvents),
            () => a.Assignment.Count > 0 && b.Assignment.Count > 0 && a.Assignment.Concat(b.Assignment).Distinct().Count() == 6 && a.Assignment.Count + b.Assignment.Count == 6,
            () => $"a: [{string.Join(", ", a.Assignment)}] b: [{string.Join(", ", b.Assignment)}]\n{log.Tail(60)}");

        await b.DisposeAsync();
        await Until(aEvents, () => a.Assignment.Count == 6, () => $"a after b left: [{string.Join(", ", a.Assignment)}]");
    }

    [Fact]
    public async Task R7_a_pattern_subscription_is_matched_by_the_broker()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic("metrics-eu", 2, 1);
        cluster.CreateTopic("metrics-us", 3, 1);
        cluster.CreateTopic("orders", 4, 1);
        var log = new RecordingLoggerFactory();
        await using var consumer = new KafkaConsumer<string?, string?>(Options(cluster, log) with { GroupId = "kip848-regex" }, Deserializers.Utf8, Deserializers.Utf8);
        var events = consumer.Rebalances.Replay();
        using var connected = events.Connect();

        consumer.Subscribe(new Regex("^metrics-.*"));

        await Until(events, () => consumer.Assignment.Count == 5, () => $"[{string.Join(", ", consumer.Assignment)}]\n{log.Tail(40)}");
        Assert.Equal(["metrics-eu", "metrics-us"], consumer.Assignment.Select(p => p.Topic).Distinct().Order());
    }

    [Fact]
    public async Task R7_a_group_of_RxKafka_and_Confluent_Kafka_members_on_the_consumer_protocol_splits_the_partitions_as_members_leave()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic("mixed848", 6, 1);
        var log = new RecordingLoggerFactory();
        var options = Options(cluster, log) with { GroupId = "mixed848" };
        await using var a = new KafkaConsumer<string?, string?>(options, Deserializers.Utf8, Deserializers.Utf8);
        var events = a.Rebalances.Replay();
        using var connected = events.Connect();
        a.Subscribe(["mixed848"]);
        await Until(events, () => a.Assignment.Count == 6, () => $"a alone: [{string.Join(", ", a.Assignment)}]");

        var consumed = new ConcurrentQueue<(string Member, int Partition, long Offset)>();
        var c = new ConfluentGroupMember("confluent", cluster.BootstrapServers, "mixed848", "mixed848", "consumer", consumed);
        try
        {
            // The Confluent member's assignment is seen from its poll loop, so the condition is polled too.
            await UntilPolled(
                () => c.Assignment.Length > 0 && a.Assignment.Count > 0 && a.Assignment.Select(p => p.Partition).Concat(c.Assignment).Order().SequenceEqual([0, 1, 2, 3, 4, 5]),
                () => $"a: [{string.Join(", ", a.Assignment)}] confluent: [{string.Join(", ", c.Assignment)}]\n{c.Log}\n{log.Tail(40)}");
        }
        finally
        {
            c.Dispose();
        }

        await Until(events, () => a.Assignment.Count == 6, () => $"a after the Confluent member left: [{string.Join(", ", a.Assignment)}]\n{log.Tail(40)}");
    }

    [Fact]
    public async Task R7_a_broker_without_ConsumerGroupHeartbeat_ends_the_consumer_with_a_clear_error()
    {
        Prerequisites.RequireLibrary(MockBuild.Debian202);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Debian202);
        cluster.CreateTopic("old", 1, 1);
        await using var consumer = new KafkaConsumer<string?, string?>(Options(cluster, new RecordingLoggerFactory()) with { GroupId = "old848" }, Deserializers.Utf8, Deserializers.Utf8);
        consumer.Subscribe(["old"]);

        var error = await Assert.ThrowsAsync<UnsupportedVersionException>(async () =>
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
            deadline.CancelAfter(Deadline);
            await foreach (var unused in consumer.ConsumeAsync(deadline.Token))
            {
            }
        });

        Assert.Contains("does not offer KIP-848 consumer groups", error.Message);
        Assert.Contains("group.protocol=classic", error.Message);
    }

    private static ConsumerOptions Options(MockKafkaCluster cluster, RecordingLoggerFactory log) => new()
    {
        Client = KafkaClientOptions.FromBootstrap(cluster.BootstrapServers) with { Scheduler = DefaultScheduler.Instance, LoggerFactory = log },
        GroupId = "kip848",
        GroupProtocol = GroupProtocol.Consumer,
        AutoOffsetReset = AutoOffsetReset.Earliest,
    };

    // Awaits a condition, checked at each rebalance event the members report, with a deadline.
    private static async Task Until(IObservable<RebalanceEvent> events, Func<bool> condition, Func<string> describe)
    {
        var reached = events.Select(_ => condition()).StartWith(condition()).FirstOrDefaultAsync(ok => ok).ToTask(Token);
        var done = await Task.WhenAny(reached, Task.Delay(Deadline, Token));
        Assert.True(done == reached && reached.Result, $"not reached within {Deadline}: {describe()}");
    }

    // Awaits a condition that no event announces (another client's poll loop), checked every 50 ms, with a deadline.
    private static async Task UntilPolled(Func<bool> condition, Func<string> describe)
    {
        var reached = Observable.Interval(TimeSpan.FromMilliseconds(50)).Select(_ => condition()).FirstOrDefaultAsync(ok => ok).ToTask(Token);
        var done = await Task.WhenAny(reached, Task.Delay(Deadline, Token));
        Assert.True(done == reached && reached.Result, $"not reached within {Deadline}: {describe()}");
    }
}
