#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Client;
using RxKafka.Producer;
using RxKafka.Producer.Engine;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;

namespace RxKafka.Tests.Producer;

/// <summary>
/// The sender's per-broker sinks (ProducerSender.Sink) against a ScriptedCluster in virtual time: at
/// most max.in.flight requests per connection, the rotating start partition, no batch taken without a
/// ready connection, and each sink sending only what its broker leads.
/// </summary>
public sealed class ProducerSinkTests : ProducerEngineTestBed
{
    public ProducerSinkTests()
        : base(partitions: 6)
    {
    }

    private static List<TopicPartition> PartitionsOf(ProduceRequest request) =>
        request.TopicData.SelectMany(t => t.PartitionData.Select(p => new TopicPartition(t.Name, p.Index))).ToList();

    // The base sequence of each batch of a request, from the v2 batch header (byte 53).
    private static List<int> SequencesOf(ProduceRequest request) =>
        request.TopicData.SelectMany(t => t.PartitionData).Select(p => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(p.Records!.Value.Span[53..])).ToList();

    [Fact]
    public void A_sink_never_has_more_than_max_in_flight_requests_outstanding_and_the_next_goes_when_an_answer_comes()
    {
        var answerDelay = TimeSpan.FromMilliseconds(10);
        var engine = Start(Options with { Linger = TimeSpan.Zero, BatchSize = 1, MaxInFlightRequestsPerConnection = 2 });
        WarmUp(engine, Orders0);
        Cluster.ResponseDelay = answerDelay;
        var before = ProduceRequests.Count;
        var start = Scheduler.Elapsed();

        for (var i = 0; i < 5; i++)
        {
            engine.Produce(Orders0, $"m{i}");
        }

        Scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        Assert.Equal(2, ProduceRequests.Count - before);
        Assert.Equal(2, engine.Sender.InFlight);
        Scheduler.AdvanceBy(answerDelay - TimeSpan.FromTicks(2));
        Assert.Equal(2, ProduceRequests.Count - before); // nothing answered, nothing more sent

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        // One batch per request (batch.size 1); the broker answers each 10 ms after it came, and a
        // request goes out when an answer frees its slot: two at a time, in three waves.
        var sent = ProduceRequests.Skip(before).ToList();
        Assert.Equal(5, sent.Count);
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.Zero, answerDelay, answerDelay, answerDelay * 2],
            sent.Select(s => s.At - start));
        var outstanding = sent.Select(s => sent.Count(o => o.At <= s.At && o.At + answerDelay > s.At)).ToList();
        Assert.Equal(2, outstanding.Max());
        Assert.Equal(["warm-up", "m0", "m1", "m2", "m3", "m4"], Cluster.Log("orders", 0).Select(r => r.ValueString));
        Assert.All(engine.Deliveries, d => Assert.Null(d.Error));
        Assert.Equal(0, engine.Sender.InFlight);
    }

    [Fact]
    public void A_sink_rotates_the_partition_it_starts_from_so_none_waits_behind_the_others_when_a_request_is_full()
    {
        // Broker 1 leads orders-0..2; max.request.size holds one batch, so each request takes one partition's.
        for (var p = 0; p < 3; p++)
        {
            Cluster.SetPartitionLeader("orders", p, 1);
        }

        var engine = Start(Options with { BatchSize = 1, MaxRequestSize = 100, MaxInFlightRequestsPerConnection = 1 });
        WarmUp(engine, Orders0);
        engine.Produce(new TopicPartition("orders", 1), "warm-up");
        engine.Produce(new TopicPartition("orders", 2), "warm-up");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Cluster.ResponseDelay = TimeSpan.FromMilliseconds(10);

        // A request in flight holds the sink (max.in.flight 1) while three batches for each partition
        // queue up: when its answer comes, all nine are ready.
        engine.Produce(Orders0, "blocker");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(6));
        Assert.Equal(1, engine.Sender.InFlight);
        var before = ProduceRequests.Count;
        for (var round = 0; round < 3; round++)
        {
            for (var p = 0; p < 3; p++)
            {
                engine.Produce(new TopicPartition("orders", p), $"p{p}-r{round}");
            }
        }

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        var order = ProduceRequests.Skip(before).Select(r => Assert.Single(PartitionsOf(r.Request)).Partition).ToList();
        Assert.Equal(9, order.Count);
        // Every partition within any three requests in a row: none starves while the others have batches.
        for (var i = 0; i + 3 <= order.Count; i++)
        {
            Assert.True(order.Skip(i).Take(3).Distinct().Count() == 3, $"requests {i}..{i + 2} in [{string.Join(", ", order)}]");
        }

        for (var p = 0; p < 3; p++)
        {
            Assert.Equal(["warm-up", .. p == 0 ? ["blocker"] : Array.Empty<string>(), $"p{p}-r0", $"p{p}-r1", $"p{p}-r2"], Cluster.Log("orders", p).Select(r => r.ValueString));
        }
    }

    [Fact]
    public void A_sink_without_a_ready_connection_takes_no_batch_and_sends_it_once_the_connection_is_ready()
    {
        var connectTime = TimeSpan.FromMilliseconds(50);
        Cluster.SetPartitionLeader("orders", 0, 1);
        var engine = Start();
        WarmUp(engine, Orders0);
        var produce = engine.Client.TryGetReadyConnection(1, ConnectionGroup.Produce);
        Assert.NotNull(produce);
        Assert.True(produce.DisposeAsync().IsCompleted);
        Assert.Null(engine.Client.TryGetReadyConnection(1, ConnectionGroup.Produce));
        Cluster.SetBrokerRtt(1, connectTime); // ApiVersions, and so the new connection, takes 50 ms
        var before = ProduceRequests.Count;
        var start = Scheduler.Elapsed();

        engine.Produce(Orders0, "waits");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(5) + connectTime - TimeSpan.FromTicks(1));

        // Lingered at 5 ms, but no connection yet: the batch is still queued, nothing in flight or sent.
        Assert.Equal(before, ProduceRequests.Count);
        Assert.Equal(0, engine.Sender.InFlight);
        Assert.True(engine.Accumulator.HasReady(Orders0, Scheduler.Now));

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        // Sent as soon as the connection is ready, with the partition's next sequence: none was taken while it waited.
        var sent = Assert.Single(ProduceRequests.Skip(before));
        Assert.Equal(start + TimeSpan.FromMilliseconds(5) + connectTime, sent.At);
        Assert.Equal([1], SequencesOf(sent.Request));
        Assert.Null(Assert.Single(engine.Deliveries).Error);
        Assert.Equal(["warm-up", "waits"], Cluster.Log("orders", 0).Select(r => r.ValueString));
    }

    [Fact]
    public void Each_brokers_sink_sends_only_the_partitions_that_broker_leads()
    {
        // orders-0..5 led by brokers 1, 2, 3, 1, 2, 3.
        for (var p = 0; p < 6; p++)
        {
            Cluster.SetPartitionLeader("orders", p, (p % 3) + 1);
        }

        var engine = Start();
        WarmUp(engine, Orders0);
        var before = ProduceRequests.Count;

        for (var p = 0; p < 6; p++)
        {
            engine.Produce(new TopicPartition("orders", p), $"p{p}");
        }

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        var sent = ProduceRequests.Skip(before).ToList();
        // One request per broker, with both partitions it leads (all ready at the same linger).
        Assert.Equal([1, 2, 3], sent.Select(s => s.NodeId).Order());
        Assert.All(sent, s => Assert.Equal([s.NodeId - 1, s.NodeId + 2], PartitionsOf(s.Request).Select(tp => tp.Partition).Order()));
        Assert.Equal(6, engine.Deliveries.Count);
        Assert.All(engine.Deliveries, d => Assert.Null(d.Error));
    }

    /// <summary>The accumulator and sender over a client, as the producer puts them together (as in ProducerEngineTests).</summary>
}
