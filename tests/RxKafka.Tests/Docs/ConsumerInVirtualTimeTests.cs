// The consumer examples of "Testing code that consumes" in docs/testing-in-virtual-time.md, run as tests;
// DocSnippetTests checks that the document still holds them line for line.

// doc copy: testing-in-virtual-time.md
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using RxKafka;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Consumer;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;
using RxKafka.Testing;
using RxKafka.Testing.Network;
// end of doc copy

namespace RxKafka.Tests.Docs;

// doc copy: testing-in-virtual-time.md
public sealed class ConsumerInVirtualTimeTests : ReactiveTest
{
    private readonly TestScheduler scheduler = new();
    private readonly ScriptedCluster cluster;

    public ConsumerInVirtualTimeTests()
    {
        cluster = new ScriptedCluster(scheduler);                  // brokers 1-3
        cluster.CreateTopic("orders", partitions: 2);              // orders-0 led by broker 1, orders-1 by broker 2
    }

    private KafkaClientOptions Client => new()
    {
        BootstrapServers = BootstrapServers.Parse(cluster.BootstrapServers),
        TransportFactory = cluster,
        Scheduler = scheduler,
        BackoffJitter = 0,
    };

    [Fact]
    public async Task R3_an_assigned_consumer_reads_what_was_produced_with_its_first_fetch()
    {
        await using var producer = new KafkaProducer<string, string>(new ProducerOptions { Client = Client }, Serializers.Utf8, Serializers.Utf8);
        var sent = new[] { "a", "b", "c" }.Select(key => producer.ProduceAsync(new ProducerRecord<string, string>("orders", key, "created") { Partition = 0 })).ToArray();
        Assert.True(scheduler.AdvanceUntil(() => sent.All(t => t.IsCompleted), limit: TimeSpan.FromSeconds(1).Ticks));

        var start = scheduler.Clock;
        await using var consumer = new KafkaConsumer<string?, string?>(new ConsumerOptions { Client = Client }, Deserializers.Utf8, Deserializers.Utf8);
        consumer.Assign([new TopicPartitionOffset("orders", 0, 0)]);   // orders-0 from offset 0: no group, no offset lookup
        var read = scheduler.CreateObserver<string>();
        using var subscription = consumer.Consume().Select(r => $"{r.Key}@{r.Offset}").Subscribe(read);
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        read.Messages.AssertEqual(OnNext(start + 5, "a@0"), OnNext(start + 5, "b@1"), OnNext(start + 5, "c@2"));
        Assert.Equal(3L, consumer.Position(new TopicPartition("orders", 0)));
    }
// end of doc copy

    // doc copy: testing-in-virtual-time.md
    [Fact]
    public void R5_two_members_of_a_group_split_the_partitions_and_one_takes_all_when_the_other_leaves()
    {
        var options = new ConsumerOptions { Client = Client, GroupId = "billing", AutoOffsetReset = AutoOffsetReset.Earliest };
        var first = new KafkaConsumer<string?, string?>(options, Deserializers.Utf8, Deserializers.Utf8);
        var second = new KafkaConsumer<string?, string?>(options, Deserializers.Utf8, Deserializers.Utf8);
        var firstEvents = new List<string>();                      // e.g. "PartitionsAssigned orders-0"
        var secondEvents = new List<string>();
        using var watchFirst = first.Rebalances.Subscribe(e => firstEvents.Add($"{e.GetType().Name} {string.Join(" ", e.Partitions)}"));
        using var watchSecond = second.Rebalances.Subscribe(e => secondEvents.Add($"{e.GetType().Name} {string.Join(" ", e.Partitions)}"));
        first.Subscribe(["orders"]);
        second.Subscribe(["orders"]);

        // Both join at once; the first rebalance waits GroupInitialRebalanceDelay (zero here; Kafka waits 3 s) for members.
        Assert.True(scheduler.AdvanceUntil(() => first.Assignment.Count == 1 && second.Assignment.Count == 1, limit: TimeSpan.FromSeconds(30).Ticks));
        var (kept, left) = (first.Assignment.Single(), second.Assignment.Single());
        Assert.NotEqual(kept, left);

        // A member leaves the group when disposed (LeaveGroup): advance until it has, and the other takes both partitions.
        Assert.True(scheduler.AdvanceUntilCompleted(second.DisposeAsync().AsTask(), TimeSpan.FromSeconds(5)));
        Assert.True(scheduler.AdvanceUntil(() => first.Assignment.Count == 2, limit: scheduler.Clock + TimeSpan.FromSeconds(30).Ticks));
        // The range assignor is eager: each member gave its partition back before the new assignment.
        Assert.Equal([$"PartitionsAssigned {kept}", $"PartitionsRevoked {kept}", "PartitionsAssigned orders-0 orders-1"], firstEvents);
        Assert.Equal([$"PartitionsAssigned {left}", $"PartitionsRevoked {left}"], secondEvents);
        Assert.True(scheduler.AdvanceUntilCompleted(first.DisposeAsync().AsTask(), TimeSpan.FromSeconds(5)));
    }
    // end of doc copy

    // doc copy: testing-in-virtual-time.md
    [Fact]
    public async Task T2_read_committed_never_sees_an_aborted_transaction_and_waits_for_an_open_one_to_commit()
    {
        // The test writes three transactions to orders-0 itself, with raw requests: aborted, committed, open.
        var coordinator = cluster.Coordinator(CoordinatorType.Transaction, "tx");
        var init = Ask(coordinator, new InitProducerIdRequest { TransactionalId = "tx", TransactionTimeoutMs = 60_000, ProducerId = -1, ProducerEpoch = -1 }, version: 4);
        void Transaction(int sequence, string value, bool? commit)
        {
            Ask(coordinator, new AddPartitionsToTxnRequest { V3AndBelowTransactionalId = "tx", V3AndBelowProducerId = init.ProducerId, V3AndBelowProducerEpoch = init.ProducerEpoch, V3AndBelowTopics = [new() { Name = "orders", Partitions = [0] }] }, version: 3);
            using var batch = new RecordBatchBuilder { ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch, BaseSequence = sequence, IsTransactional = true };
            batch.Append(1_700_000_000_000, null, System.Text.Encoding.UTF8.GetBytes(value));
            Ask(1, new ProduceRequest { TransactionalId = "tx", Acks = -1, TimeoutMs = 1000, TopicData = [new() { Name = "orders", PartitionData = [new() { Index = 0, Records = batch.Build() }] }] }, version: 9);
            if (commit is { } committed)
            {
                Ask(coordinator, new EndTxnRequest { TransactionalId = "tx", ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch, Committed = committed }, version: 3);
            }
        }

        Transaction(0, "aborted", commit: false);
        Transaction(1, "committed", commit: true);
        Transaction(2, "open", commit: null);

        await using var consumer = new KafkaConsumer<string?, string?>(new ConsumerOptions { Client = Client, IsolationLevel = IsolationLevel.ReadCommitted }, Deserializers.Utf8, Deserializers.Utf8);
        consumer.Assign([new TopicPartitionOffset("orders", 0, 0)]);
        var read = new List<string?>();
        using var subscription = consumer.Consume().Subscribe(r => read.Add(r.Value));
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(["committed"], read);                         // the open transaction holds the last stable offset back

        Ask(coordinator, new EndTxnRequest { TransactionalId = "tx", ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch, Committed = true }, version: 3);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(["committed", "open"], read);
    }

    // One request to one broker at a version the test chooses, answered as the clock advances.
    private TResponse Ask<TResponse>(int broker, KafkaRequest<TResponse> request, short version)
        where TResponse : KafkaResponse
    {
        var connect = KafkaClient.ConnectToBrokerAsync(cluster.Endpoint(broker), Client);
        Assert.True(scheduler.AdvanceUntilCompleted(connect, TimeSpan.FromSeconds(1)));
        var answer = connect.Result.Send(request, version).ToTask();
        Assert.True(scheduler.AdvanceUntilCompleted(answer, TimeSpan.FromSeconds(1)));
        return answer.Result;
    }
    // end of doc copy
}
