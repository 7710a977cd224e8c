using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.IntegrationTests.Support;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Consumer.Groups;

/// <summary>
/// KIP-848 groups (group.protocol=consumer, R7) on librdkafka 2.15.1's mock cluster, whose coordinator
/// answers ConsumerGroupHeartbeat and assigns on the broker side.
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
        var options = new ConsumerOptions
        {
            Client = KafkaClientOptions.FromBootstrap(cluster.BootstrapServers) with { Scheduler = DefaultScheduler.Instance, LoggerFactory = log },
            GroupId = "kip848",
            GroupProtocol = GroupProtocol.Consumer,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        };
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

    // Awaits a condition, checked at each rebalance event the members report, with a deadline.
    private static async Task Until(IObservable<RebalanceEvent> events, Func<bool> condition, Func<string> describe)
    {
        var reached = events.Select(_ => condition()).StartWith(condition()).FirstOrDefaultAsync(ok => ok).ToTask(Token);
        var done = await Task.WhenAny(reached, Task.Delay(Deadline, Token));
        Assert.True(done == reached && reached.Result, $"not reached within {Deadline}: {describe()}");
    }
}
