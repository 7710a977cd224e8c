#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Producer;
using RxKafka.Producer.Engine;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer;

/// <summary>
/// The producer's engine (accumulator + sender) against a ScriptedCluster in virtual time: linger,
/// batch.size, retries and their backoff, delivery timeouts, order with 5 in flight, idempotence.
/// </summary>
public sealed class ProducerEngineTests : ProducerEngineTestBed
{
    public ProducerEngineTests()
        : base(partitions: 3)
    {
    }

    [Fact]
    public void I2_a_batch_is_sent_exactly_linger_ms_after_its_first_record()
    {
        var engine = Start();
        WarmUp(engine);
        var before = ProduceRequests.Count;
        var start = Scheduler.Elapsed();

        engine.Produce(Orders0, "a");
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(2));
        engine.Produce(Orders0, "b");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        var sent = ProduceRequests.Skip(before).ToList();
        Assert.Equal(start + TimeSpan.FromMilliseconds(5), Assert.Single(sent).At);
        Assert.Equal(["a", "b"], engine.Deliveries.Select(d => d.Value));
        Assert.All(engine.Deliveries, d => Assert.Null(d.Error));
        Assert.Equal(["warm-up", "a", "b"], Cluster.Log("orders", 0).Select(r => r.ValueString));
    }

    [Fact]
    public void I2_a_full_batch_goes_before_linger_ms()
    {
        var engine = Start(Options with { BatchSize = 300, Linger = TimeSpan.FromSeconds(1) });
        WarmUp(engine);
        var before = ProduceRequests.Count;
        var start = Scheduler.Elapsed();

        for (var i = 0; i < 5; i++)
        {
            engine.Produce(Orders0, new string('x', 60) + i);
        }

        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));
        var sent = ProduceRequests.Skip(before).ToList();
        Assert.NotEmpty(sent);
        Assert.All(sent, s => Assert.True(s.At - start < TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public void Retries_follow_retry_backoff_and_the_record_is_written_once()
    {
        var engine = Start();
        WarmUp(engine);
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower, ErrorCode.RequestTimedOut);
        var before = ProduceRequests.Count;

        engine.Produce(Orders0, "retried");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));

        var times = ProduceRequests.Skip(before).Select(r => r.At).ToList();
        Assert.Equal(3, times.Count);
        // 100 ms, then 200 ms (retry.backoff.ms doubling), each after the failed answer (one tick after its request).
        Assert.Equal(TimeSpan.FromMilliseconds(100) + TimeSpan.FromTicks(1), times[1] - times[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(200) + TimeSpan.FromTicks(1), times[2] - times[1]);
        var delivery = Assert.Single(engine.Deliveries);
        Assert.Null(delivery.Error);
        Assert.Equal(1, Cluster.Log("orders", 0).Count(r => r.ValueString == "retried"));
    }

    [Fact]
    public void A_non_retriable_error_fails_only_that_partitions_records_with_the_brokers_error()
    {
        var engine = Start();
        WarmUp(engine);
        Cluster.SetMaxMessageBytes("orders", 200);

        engine.Produce(Orders0, new string('x', 500));
        engine.Produce(new TopicPartition("orders", 1), "fits");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        var failed = engine.Deliveries.Single(d => d.Partition == Orders0);
        var error = Assert.IsAssignableFrom<KafkaException>(failed.Error);
        Assert.Equal(ErrorCode.MessageTooLarge, error.ErrorCode);
        Assert.Contains("orders-0", error.Message);
        Assert.Null(engine.Deliveries.Single(d => d.Partition.Partition == 1).Error);
    }

    [Fact]
    public void Idempotence_a_batch_failed_for_good_bumps_the_epoch_so_its_partitions_next_batch_is_in_sequence()
    {
        // The failed batch took sequence 1; a broker still expects 1 and would refuse the next batch
        // (sequence 2) as out of order for ever. A new epoch starts the partition again at 0.
        var engine = Start();
        WarmUp(engine);
        var epoch = engine.Sender.Identity!.Epoch;
        Cluster.SetMaxMessageBytes("orders", 200);
        engine.Produce(Orders0, new string('x', 500));
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCode.MessageTooLarge, Assert.IsAssignableFrom<KafkaException>(Assert.Single(engine.Deliveries).Error).ErrorCode);
        engine.Deliveries.Clear();

        engine.Produce(Orders0, "next");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));

        Assert.Null(Assert.Single(engine.Deliveries).Error);
        var last = Cluster.Log("orders", 0)[^1];
        Assert.Equal(("next", (short)(epoch + 1), 0), (last.ValueString, last.ProducerEpoch, last.Sequence));
    }

    [Fact]
    public void Records_that_cannot_be_sent_expire_at_exactly_the_delivery_timeout()
    {
        var engine = Start();
        WarmUp(engine);
        Cluster.SetPartitionLeader("orders", 2, -1);
        engine.Client.ForceMetadataUpdate();
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        var start = Scheduler.Elapsed();

        engine.Produce(new TopicPartition("orders", 2), "stuck");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(20) - TimeSpan.FromTicks(1));
        Assert.Empty(engine.Deliveries);
        Scheduler.AdvanceBy(TimeSpan.FromTicks(1));

        var expired = Assert.Single(engine.Deliveries);
        Assert.Equal(start + TimeSpan.FromSeconds(20), expired.At);
        var error = Assert.IsAssignableFrom<KafkaException>(expired.Error);
        Assert.Equal(ErrorCode.RequestTimedOut, error.ErrorCode);
        Assert.Contains("Expiring 1 record(s) for orders-2: 20000 ms has passed since the batch was created", error.Message);
    }

    // A retriable error refreshes metadata before the retry when the error table marks it invalid-metadata
    // (Kafka's InvalidMetadataException codes); other retriable errors only back off.
    [Theory]
    [InlineData(ErrorCode.NotLeaderOrFollower, true)]
    [InlineData(ErrorCode.ReplicaNotAvailable, true)]
    [InlineData(ErrorCode.UnknownTopicId, true)]
    [InlineData(ErrorCode.NotEnoughReplicas, false)]
    [InlineData(ErrorCode.RequestTimedOut, false)]
    public void A_retry_refreshes_metadata_after_an_invalid_metadata_error(ErrorCode error, bool refreshes)
    {
        var engine = Start();
        WarmUp(engine);
        Cluster.PushRequestErrors(ApiKey.Produce, error);
        int MetadataRequests() => Cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.Metadata);
        var before = MetadataRequests();

        engine.Produce(Orders0, "retried");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Null(Assert.Single(engine.Deliveries).Error);
        Assert.Equal(refreshes, MetadataRequests() > before);
    }

    [Fact]
    public void A_batch_waiting_again_after_a_failed_send_expires_at_exactly_the_delivery_timeout()
    {
        // Sent once (NOT_LEADER_OR_FOLLOWER), then the partition has no leader: the batch waits in its
        // queue again, and expires at the tick delivery.timeout.ms after it was made, not at its next send.
        var engine = Start();
        WarmUp(engine);
        var partition = new TopicPartition("orders", 2);
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower);
        Cluster.SetPartitionLeader("orders", 2, -1);
        var start = Scheduler.Elapsed();

        engine.Produce(partition, "sent-then-stuck");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(20) - TimeSpan.FromTicks(1));
        Assert.Single(ProduceRequests, r => r.Request.TopicData.Any(t => t.PartitionData.Any(p => p.Index == 2)));
        Assert.Empty(engine.Deliveries);
        Scheduler.AdvanceBy(TimeSpan.FromTicks(1));

        var expired = Assert.Single(engine.Deliveries);
        Assert.Equal(start + TimeSpan.FromSeconds(20), expired.At);
        Assert.Contains("Expiring 1 record(s) for orders-2: 20000 ms has passed since the batch was created", expired.Error!.Message);
    }

    [Fact]
    public void Order_within_a_partition_survives_a_retry_with_five_requests_in_flight()
    {
        var engine = Start(Options with { Linger = TimeSpan.Zero, BatchSize = 1 });
        WarmUp(engine);
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower);
        Cluster.ResponseDelay = TimeSpan.FromMilliseconds(10);

        for (var i = 0; i < 5; i++)
        {
            engine.Produce(Orders0, $"m{i}");
        }

        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
        Assert.True(engine.Sender.InFlight >= 2, $"{engine.Sender.InFlight} in flight");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(5));

        Assert.Equal(["warm-up", "m0", "m1", "m2", "m3", "m4"], Cluster.Log("orders", 0).Select(r => r.ValueString));
        Assert.All(engine.Deliveries, d => Assert.Null(d.Error));
        Assert.Equal(engine.Deliveries.Select(d => d.Offset).Order(), engine.Deliveries.Select(d => d.Offset));
    }

    // Every batch sent to a partition, in the order the brokers received them: (epoch, base sequence)
    // from the v2 batch header (producer epoch at byte 51, base sequence at 53).
    private List<(short Epoch, int Sequence)> SentBatches(TopicPartition partition) =>
        ProduceRequests
            .SelectMany(r => r.Request.TopicData.Where(t => t.Name == partition.Topic))
            .SelectMany(t => t.PartitionData.Where(p => p.Index == partition.Partition))
            .Select(p => p.Records!.Value)
            .Select(b => (System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(b.Span[51..]), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.Span[53..])))
            .ToList();

    [Fact]
    public void Idempotence_batches_behind_a_failed_one_get_OUT_OF_ORDER_SEQUENCE_and_go_again_with_their_sequences()
    {
        // m0 (sequence 1) fails with NOT_LEADER_OR_FOLLOWER while m1..m4 (2..5) are in flight; the broker
        // still expects 1, so it answers them OUT_OF_ORDER_SEQUENCE_NUMBER. That is not a lost state
        // (m0 is the next expected): no epoch bump; all five go again, in order, with the same sequences.
        var engine = Start(Options with { Linger = TimeSpan.Zero, BatchSize = 1 });
        WarmUp(engine);
        var epoch = engine.Sender.Identity!.Epoch;
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower);
        Cluster.ResponseDelay = TimeSpan.FromMilliseconds(10);

        for (var i = 0; i < 5; i++)
        {
            engine.Produce(Orders0, $"m{i}");
        }

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(5));

        Assert.Equal(
            [(epoch, 0), (epoch, 1), (epoch, 2), (epoch, 3), (epoch, 4), (epoch, 5), (epoch, 1), (epoch, 2), (epoch, 3), (epoch, 4), (epoch, 5)],
            SentBatches(Orders0));
        Assert.All(engine.Deliveries, d => Assert.Null(d.Error));
        Assert.Equal(["warm-up", "m0", "m1", "m2", "m3", "m4"], Cluster.Log("orders", 0).Select(r => r.ValueString));
        Assert.Equal([0, 1, 2, 3, 4, 5], Cluster.Log("orders", 0).Select(r => r.Sequence));
        Assert.Equal(epoch, engine.Sender.Identity.Epoch);
    }

    [Fact]
    public void Idempotence_OUT_OF_ORDER_SEQUENCE_for_the_next_expected_batch_bumps_the_epoch_and_starts_again_at_0()
    {
        // The broker refuses the very batch it should expect next: its state for the producer is not
        // what the producer thinks (KIP-360). The producer bumps its epoch and sends the batch again
        // from sequence 0; the record is written once.
        var engine = Start();
        WarmUp(engine);
        var epoch = engine.Sender.Identity!.Epoch;
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.OutOfOrderSequenceNumber);

        engine.Produce(Orders0, "refused-once");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));

        Assert.Null(Assert.Single(engine.Deliveries).Error);
        Assert.Equal([(epoch, 0), (epoch, 1), ((short)(epoch + 1), 0)], SentBatches(Orders0));
        Assert.Single(Cluster.Log("orders", 0), r => r.ValueString == "refused-once");
        var last = Cluster.Log("orders", 0)[^1];
        Assert.Equal(("refused-once", (short)(epoch + 1), 0), (last.ValueString, last.ProducerEpoch, last.Sequence));
    }

    [Fact]
    public void Idempotence_an_unknown_producer_id_bumps_the_epoch_and_sequences_start_again()
    {
        var engine = Start();
        WarmUp(engine);
        var identity = engine.Sender.Identity!;
        var (producerId, epoch) = (identity.ProducerId, identity.Epoch);
        Cluster.ForgetProducer(producerId);

        engine.Produce(Orders0, "after-forget");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));

        Assert.Null(Assert.Single(engine.Deliveries).Error);
        Assert.Equal(producerId, identity.ProducerId);
        Assert.Equal(epoch + 1, identity.Epoch);
        var last = Cluster.Log("orders", 0)[^1];
        Assert.Equal(("after-forget", (short)(epoch + 1), 0), (last.ValueString, last.ProducerEpoch, last.Sequence));
    }

    [Fact]
    public void Idempotence_a_duplicate_of_a_batch_the_broker_has_counts_as_delivered()
    {
        var engine = Start();
        WarmUp(engine);
        Cluster.AnswerDuplicateSequenceNumber = true;
        var dropped = false;
        Cluster.Handler = (node, request) =>
        {
            if (request.ApiKey != ApiKey.Produce || dropped)
            {
                return null;
            }

            // The broker writes the batch, but the answer is lost with the connection.
            dropped = true;
            Cluster.DefaultReply(node, request);
            return BrokerReply.Disconnect();
        };

        engine.Produce(Orders0, "once");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));

        Assert.Null(Assert.Single(engine.Deliveries).Error);
        Assert.Equal(1, Cluster.Log("orders", 0).Count(r => r.ValueString == "once"));
    }

    [Fact]
    public void P2_an_epoch_bump_for_one_partition_leaves_another_partitions_batch_the_broker_may_have_on_its_old_epoch_and_sequence()
    {
        // orders-0 on broker 1, payments-0 on broker 2: separate requests.
        Cluster.CreateTopic("payments", partitions: 1, replicationFactor: 3);
        Cluster.SetPartitionLeader("orders", 0, 1);
        Cluster.SetPartitionLeader("payments", 0, 2);
        Cluster.SetMaxMessageBytes("payments", 100);
        var engine = Start();
        WarmUp(engine);
        var identity = engine.Sender.Identity!;
        var epoch = identity.Epoch;
        var dropped = false;
        Cluster.Handler = (node, request) =>
        {
            if (request.Request is not ProduceRequest produce || dropped || produce.TopicData.All(t => t.Name != "orders"))
            {
                return null;
            }

            // Broker 1 stores the orders batch, but the answer is lost with the connection: it is retried.
            dropped = true;
            Cluster.DefaultReply(node, request);
            return BrokerReply.Disconnect();
        };

        engine.Produce(Orders0, "stored-then-retried");
        engine.Produce(new TopicPartition("payments", 0), new string('x', 500));
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));

        // payments-0's batch fails for good (MESSAGE_TOO_LARGE), a hole in its sequence: the epoch is bumped.
        Assert.Equal(epoch + 1, identity.Epoch);
        Assert.IsType<RecordTooLargeException>(Assert.Single(engine.Deliveries, d => d.Partition.Topic == "payments").Error);
        // orders-0's retry went with its first epoch and sequence, so the broker knew it: stored once.
        Assert.Null(Assert.Single(engine.Deliveries, d => d.Partition == Orders0).Error);
        var stored = Assert.Single(Cluster.Log("orders", 0), r => r.ValueString == "stored-then-retried");
        Assert.Equal(epoch, stored.ProducerEpoch);

        // The partition's next batch starts the new epoch at sequence 0.
        engine.Produce(Orders0, "next");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        var next = Cluster.Log("orders", 0)[^1];
        Assert.Equal(("next", (short)(epoch + 1), 0), (next.ValueString, next.ProducerEpoch, next.Sequence));
    }
}
