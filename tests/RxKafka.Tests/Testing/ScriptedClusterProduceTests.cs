// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Threading.Tasks;
using System.Text;
using Microsoft.Reactive.Testing;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Testing;
using RxKafka.Testing.Network;
using static RxKafka.Protocol.Messages.ProduceResponse;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster's Produce and InitProducerId: the partition logs, a leader's checks, idempotent sequences and queued errors, in virtual time.</summary>
public sealed class ScriptedClusterProduceTests : ScriptedClusterTestBed
{
    private static ProduceRequest Request(string topic, int partition, byte[] records, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 30_000,
        TopicData = [new() { Name = topic, PartitionData = [new() { Index = partition, Records = records }] }],
    };

    private PartitionProduceResponse Produce(KafkaConnection connection, byte[] records, short version = 9, string topic = "t", int partition = 0)
    {
        var response = Ask(connection, Request(topic, partition, records), version);
        var topicResponse = Assert.Single(response.Responses);
        Assert.Equal(topic, topicResponse.Name);
        var answer = Assert.Single(topicResponse.PartitionResponses);
        Assert.Equal(partition, answer.Index);
        return answer;
    }

    private InitProducerIdResponse InitProducerId(KafkaConnection connection, short version = 5, string? transactionalId = null, long producerId = -1, short epoch = -1, int timeoutMs = 60_000) =>
        Ask(connection, new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = timeoutMs, ProducerId = producerId, ProducerEpoch = epoch }, version);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Batch(IEnumerable<(string? Key, string? Value)> records, long producerId = -1, short epoch = -1, int sequence = -1, CompressionType compression = CompressionType.None, RecordHeader[]? headers = null)
    {
        using var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = sequence };
        var timestamp = Time0;
        foreach (var (key, value) in records)
        {
            builder.Append(timestamp++, key is null ? null : Utf8(key), value is null ? null : Utf8(value), headers);
        }

        return builder.Build(compression).ToArray();
    }

    private static byte[] Values(params string[] values) => Batch(values.Select(v => ((string?)null, (string?)v)));

    // An idempotent batch of `count` records whose values name their sequence numbers.
    private static byte[] Sequenced(long producerId, short epoch, int sequence, int count) =>
        Batch(Enumerable.Range(0, count).Select(i => ((string?)null, (string?)$"s{unchecked(sequence + i)}")), producerId, epoch, sequence);

    private static (ErrorCode Error, long BaseOffset) Outcome(PartitionProduceResponse answer) => ((ErrorCode)answer.ErrorCode, answer.BaseOffset);

    private string[] LoggedValues(int partition = 0) => Cluster.Log("t", partition).Select(r => $"{r.Offset}:{r.ValueString}").ToArray();

    // ------------------------------------------------------------------ appending

    [Fact]
    public void Appends_get_consecutive_offsets_and_the_log_holds_exactly_the_records()
    {
        var connection = Connect();
        RecordHeader[] headers = [new("trace", Utf8("abc")), new("empty", (byte[]?)null)];
        var first = Batch([("k1", "v1"), (null, "v2"), ("k3", null)], headers: headers);
        var second = Values("v4", "v5");

        var a = Produce(connection, first);
        var b = Produce(connection, second);

        Assert.Equal((ErrorCode.None, 0L, -1L, 0L), ((ErrorCode)a.ErrorCode, a.BaseOffset, a.LogAppendTimeMs, a.LogStartOffset));
        Assert.Equal((ErrorCode.None, 3L), Outcome(b));
        var log = Cluster.Log("t", 0);
        Assert.Equal(
            [(0L, "k1", "v1", Time0), (1, null, "v2", Time0 + 1), (2, "k3", null, Time0 + 2), (3, null, "v4", Time0), (4, null, "v5", Time0 + 1)],
            log.Select(r => (r.Offset, r.KeyString, r.ValueString, r.Timestamp)));
        Assert.Equal(["trace=abc", "empty=null"], log[0].Headers.Select(h => h.IsValueNull ? $"{h.Key}=null" : $"{h.Key}={Encoding.UTF8.GetString(h.Value.Span)}"));
        Assert.Empty(log[3].Headers);
        Assert.All(log, r => Assert.Equal((-1L, (short)-1, -1), (r.ProducerId, r.ProducerEpoch, r.Sequence)));

        var batches = Cluster.Batches("t", 0);
        Assert.Equal([(0L, 2L), (3L, 4L)], batches.Select(x => (x.BaseOffset, x.LastOffset)));
        Assert.Equal(first, batches[0].Bytes.ToArray()); // as received
        Assert.Equal(second, batches[1].Bytes.ToArray());
        Assert.Equal((1, (byte)2, CompressionType.None), (batches[0].NodeId, batches[0].Magic, batches[0].Compression));
        Assert.Equal(5, Cluster.LogEndOffset("t", 0));
        Assert.Equal(0, Cluster.LogStartOffset("t", 0));
        Assert.Empty(Cluster.Log("t", 1));
        Assert.Throws<ArgumentException>(() => Cluster.Log("t", 3));
        Assert.Throws<ArgumentException>(() => Cluster.Log("nope", 0));
    }

    [Theory]
    [InlineData(3, CompressionType.Gzip)]
    [InlineData(7, CompressionType.Zstd)]
    [InlineData(9, CompressionType.Lz4)]
    [InlineData(11, CompressionType.Snappy)]
    public void Produce_round_trips_at_each_version_with_the_fields_that_version_has(short version, CompressionType compression)
    {
        var connection = Connect(2);
        Produce(connection, Values("x"), version, partition: 1);

        var answer = Produce(connection, Batch([("k", "a"), ("k", "b")], compression: compression), version, partition: 1);

        Assert.Equal((ErrorCode.None, 1L, -1L), ((ErrorCode)answer.ErrorCode, answer.BaseOffset, answer.LogAppendTimeMs));
        Assert.Equal(version >= 5 ? 0 : -1, answer.LogStartOffset); // v5+
        Assert.Null(answer.ErrorMessage);
        Assert.Equal(["0:x", "1:a", "2:b"], LoggedValues(1));
        Assert.Equal(compression, Cluster.Batches("t", 1)[1].Compression);
        Assert.Equal(version, Cluster.Requests[^1].Request.Version);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    public void Produce_before_v3_takes_legacy_message_sets_one_offset_per_message(short version, byte magic)
    {
        var connection = Connect();
        using var builder = new LegacyMessageSetBuilder(magic);
        builder.Append(Time0, Utf8("k"), Utf8("a"));
        builder.Append(Time0 + 1, null, Utf8("b"));
        var plain = builder.Build().ToArray();
        builder.Reset();
        builder.Append(Time0 + 2, null, Utf8("c"));
        builder.Append(Time0 + 3, null, Utf8("d"));
        var compressed = builder.Build(CompressionType.Gzip).ToArray();

        Assert.Equal((ErrorCode.None, 0L), Outcome(Produce(connection, plain, version)));
        Assert.Equal((ErrorCode.None, 2L), Outcome(Produce(connection, compressed, version)));

        Assert.Equal(["0:a", "1:b", "2:c", "3:d"], LoggedValues());
        Assert.Equal(magic == 0 ? [-1L, -1, -1, -1] : [Time0, Time0 + 1, Time0 + 2, Time0 + 3], Cluster.Log("t", 0).Select(r => r.Timestamp));
        Assert.Equal("k", Cluster.Log("t", 0)[0].KeyString);
        Assert.Equal([magic, magic, magic], Cluster.Batches("t", 0).Select(b => b.Magic)); // two messages, then one wrapper
    }

    [Fact]
    public void Produce_v3_and_later_takes_exactly_one_magic_2_batch_and_zstd_only_from_v7()
    {
        var connection = Connect();
        using var legacy = new LegacyMessageSetBuilder(1);
        legacy.Append(Time0, null, Utf8("old"));
        var two = Values("a").Concat(Values("b")).ToArray();
        var zstd = Batch([(null, "z")], compression: CompressionType.Zstd);

        var (wrongMagic, twoBatches, none) = (Produce(connection, legacy.Build().ToArray(), 8), Produce(connection, two, 9), Produce(connection, [], 9));
        Assert.Equal([ErrorCode.InvalidRecord, ErrorCode.InvalidRecord, ErrorCode.InvalidRecord], new[] { wrongMagic, twoBatches, none }.Select(a => (ErrorCode)a.ErrorCode));
        Assert.Contains("magic 2", wrongMagic.ErrorMessage); // messages from v8
        Assert.Contains("exactly one", twoBatches.ErrorMessage);
        Assert.Equal(ErrorCode.InvalidRecord, (ErrorCode)Produce(connection, legacy.Build().ToArray(), 3).ErrorCode);
        Assert.Equal(ErrorCode.UnsupportedCompressionType, (ErrorCode)Produce(connection, zstd, 6).ErrorCode);
        Assert.Empty(Cluster.Log("t", 0));
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(connection, zstd, 7).ErrorCode);
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(connection, two, 2).ErrorCode); // before v3 a partition may carry several
        Assert.Equal(["0:z", "1:a", "2:b"], LoggedValues());
    }

    // ------------------------------------------------------------------ a leader's checks

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public void After_a_leader_move_the_old_leader_answers_NOT_LEADER_OR_FOLLOWER_naming_the_new_one_from_v10(short version)
    {
        Cluster.SetBrokerRack(2, "rack-2");
        var onOne = Connect(1);
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(onOne, Values("a"), version).ErrorCode);

        Cluster.SetPartitionLeader("t", 0, 2); // leader epoch 1
        var response = Ask(onOne, Request("t", 0, Values("b")), version);

        var answer = response.Responses[0].PartitionResponses[0];
        Assert.Equal((ErrorCode.NotLeaderOrFollower, -1L), Outcome(answer));
        if (version >= 10)
        {
            Assert.Equal((2, 1), (answer.CurrentLeader.LeaderId, answer.CurrentLeader.LeaderEpoch));
            var endpoint = Assert.Single(response.NodeEndpoints);
            Assert.Equal((2, "broker-2", 9092, "rack-2"), (endpoint.NodeId, endpoint.Host, endpoint.Port, endpoint.Rack));
        }
        else
        {
            Assert.Equal((-1, -1), (answer.CurrentLeader.LeaderId, answer.CurrentLeader.LeaderEpoch)); // not on the wire before v10
            Assert.Empty(response.NodeEndpoints);
        }

        Assert.Equal((ErrorCode.None, 1L), Outcome(Produce(Connect(2), Values("c"), version)));
        Assert.Equal(["0:a", "1:c"], LoggedValues());
        Assert.Equal([1, 2], Cluster.Batches("t", 0).Select(b => b.NodeId));

        // No leader at all: still NOT_LEADER_OR_FOLLOWER, and no endpoint to name.
        Cluster.SetPartitionLeader("t", 0, -1);
        var leaderless = Ask(onOne, Request("t", 0, Values("d")), version);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, (ErrorCode)leaderless.Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Empty(leaderless.NodeEndpoints);
    }

    [Fact]
    public void Acks_0_gets_no_answer_and_the_records_are_stored_and_an_error_closes_the_connection()
    {
        var connection = Connect();
        var sent = connection.SendAsync(Request("t", 0, Values("quiet"), acks: 0));
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.True(sent.IsCompletedSuccessfully); // complete once written: nothing comes back
        Assert.Empty(sent.Result.Responses);
        Assert.Equal(["0:quiet"], LoggedValues());
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);

        // With nothing to answer, a broker tells the producer of an error by closing the connection.
        _ = connection.SendAsync(Request("missing", 0, Values("lost"), acks: 0));
        Scheduler.AdvanceBy(1);
        Assert.Equal((ConnectionStatus.Closed, CloseReason.ConnectionBroken), (connection.CurrentState.Status, connection.CurrentState.Reason));

        Assert.Equal(ErrorCode.InvalidRequiredAcks, (ErrorCode)Ask(Connect(), Request("t", 0, Values("x"), acks: 2), 9).Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Equal(["0:quiet"], LoggedValues());
    }

    [Fact]
    public void An_unknown_topic_or_partition_is_UNKNOWN_TOPIC_OR_PARTITION_and_nothing_is_created()
    {
        var connection = Connect();
        var request = new ProduceRequest
        {
            Acks = 1,
            TopicData =
            [
                new() { Name = "missing", PartitionData = [new() { Index = 0, Records = Values("a") }] },
                new() { Name = "t", PartitionData = [new() { Index = 7, Records = Values("b") }, new() { Index = 0, Records = Values("c") }] },
            ],
        };

        var response = Ask(connection, request, 9);

        Assert.Equal(
            [("missing", 0, ErrorCode.UnknownTopicOrPartition), ("t", 7, ErrorCode.UnknownTopicOrPartition), ("t", 0, ErrorCode.None)],
            response.Responses.SelectMany(t => t.PartitionResponses.Select(p => (t.Name, p.Index, (ErrorCode)p.ErrorCode))));
        Assert.Equal(["t"], Cluster.TopicNames);
        Assert.Equal(["0:c"], LoggedValues());
    }

    [Fact]
    public void A_batch_larger_than_max_message_bytes_is_MESSAGE_TOO_LARGE()
    {
        var connection = Connect();
        var batch = Values(new string('x', 200));
        Assert.Equal(ScriptedCluster.DefaultMaxMessageBytes, Cluster.MaxMessageBytes);

        Cluster.SetMaxMessageBytes("t", batch.Length - 1);
        Assert.Equal((ErrorCode.MessageTooLarge, -1L), Outcome(Produce(connection, batch)));
        Assert.Empty(Cluster.Log("t", 0));

        Cluster.SetMaxMessageBytes("t", batch.Length); // the limit counts the whole batch, offset and length included
        Assert.Equal((ErrorCode.None, 0L), Outcome(Produce(connection, batch)));

        Cluster.SetMaxMessageBytes("t", -1);
        Cluster.MaxMessageBytes = 100;
        Assert.Equal(ErrorCode.MessageTooLarge, (ErrorCode)Produce(connection, batch).ErrorCode);
        Assert.Throws<ArgumentException>(() => Cluster.SetMaxMessageBytes("nope", 10));
    }

    [Fact]
    public void A_batch_whose_CRC_does_not_match_is_CORRUPT_MESSAGE_and_bad_batch_fields_are_INVALID_RECORD()
    {
        var connection = Connect();
        var corrupt = Values("good", "value");
        corrupt[^2] ^= 0x20;

        Assert.Equal((ErrorCode.CorruptMessage, -1L), Outcome(Produce(connection, corrupt)));
        Assert.Equal(ErrorCode.CorruptMessage, (ErrorCode)Produce(connection, Values("cut")[..^3], 2).ErrorCode); // framing, before v3 too

        using var control = new RecordBatchBuilder { IsControl = true, IsTransactional = true, ProducerId = 1000, ProducerEpoch = 0 };
        control.AppendControlRecord(Time0, ControlRecordType.Commit, 0);
        var invalid = Produce(connection, control.Build().ToArray(), 8);
        Assert.Equal((ErrorCode.InvalidRecord, 0L), ((ErrorCode)invalid.ErrorCode, invalid.LogStartOffset));
        Assert.Contains("control", invalid.ErrorMessage);
        Assert.Equal(ErrorCode.InvalidRecord, (ErrorCode)Produce(connection, Batch([(null, "a")], producerId: 1000, epoch: 0, sequence: -1)).ErrorCode);
        Assert.Empty(Cluster.Log("t", 0));
    }

    [Fact]
    public void A_topic_set_TOPIC_AUTHORIZATION_FAILED_refuses_Produce_too_whether_it_exists_or_not()
    {
        var connection = Connect();
        Cluster.SetTopicError("t", ErrorCode.TopicAuthorizationFailed);
        Cluster.SetTopicError("hidden", ErrorCode.TopicAuthorizationFailed);

        Assert.Equal((ErrorCode.TopicAuthorizationFailed, -1L), Outcome(Produce(connection, Values("a"))));
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, (ErrorCode)Produce(connection, Values("a"), topic: "hidden").ErrorCode);
        Assert.Empty(Cluster.Log("t", 0));

        Cluster.SetTopicError("t", ErrorCode.None);
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(connection, Values("a")).ErrorCode);
    }

    // ------------------------------------------------------------------ idempotence

    [Fact]
    public void Idempotent_batches_in_sequence_are_appended_with_their_producer_and_sequences()
    {
        var connection = Connect();
        var init = InitProducerId(connection);
        Assert.Equal((0, ScriptedCluster.FirstProducerId, (short)0), ((int)init.ErrorCode, init.ProducerId, init.ProducerEpoch));
        Assert.Equal(ScriptedCluster.FirstProducerId + 1, InitProducerId(connection).ProducerId);

        Assert.Equal((ErrorCode.None, 0L), Outcome(Produce(connection, Sequenced(1000, 0, 0, 3))));
        Assert.Equal((ErrorCode.None, 3L), Outcome(Produce(connection, Sequenced(1000, 0, 3, 2))));
        Assert.Equal((ErrorCode.None, 5L), Outcome(Produce(connection, Values("plain"))));
        Assert.Equal((ErrorCode.None, 6L), Outcome(Produce(connection, Sequenced(1001, 0, 0, 1)))); // producers are apart

        Assert.Equal(
            ["0:s0 1000/0/0", "1:s1 1000/0/1", "2:s2 1000/0/2", "3:s3 1000/0/3", "4:s4 1000/0/4", "5:plain -1/-1/-1", "6:s0 1001/0/0"],
            Cluster.Log("t", 0).Select(r => $"{r.Offset}:{r.ValueString} {r.ProducerId}/{r.ProducerEpoch}/{r.Sequence}"));
        Assert.Equal([(0, 2), (3, 4), (-1, -1), (0, 0)], Cluster.Batches("t", 0).Select(b => (b.BaseSequence, b.LastSequence)));
    }

    [Fact]
    public void A_retry_of_one_of_the_last_five_batches_gets_the_original_offset_and_nothing_is_appended()
    {
        var connection = Connect();
        for (var n = 0; n < 6; n++)
        {
            Produce(connection, Sequenced(1000, 0, n * 2, 2)); // offsets 0, 2, ..., 10
        }

        var retry = Produce(connection, Sequenced(1000, 0, 4, 2), version: 11);

        // Kafka answers a duplicate with its cached batch: the base offset, and its max timestamp as the append time.
        Assert.Equal((ErrorCode.None, 4L, Time0 + 1, 0L), ((ErrorCode)retry.ErrorCode, retry.BaseOffset, retry.LogAppendTimeMs, retry.LogStartOffset));
        Assert.Equal(12, Cluster.Log("t", 0).Count);
        Assert.Equal(12, Cluster.Log("t", 0).Select(r => r.Sequence).Distinct().Count());

        // The first batch is no longer among the last five: its retry is out of order. So is a partial overlap.
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (ErrorCode)Produce(connection, Sequenced(1000, 0, 0, 2)).ErrorCode);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (ErrorCode)Produce(connection, Sequenced(1000, 0, 10, 3)).ErrorCode);

        Cluster.AnswerDuplicateSequenceNumber = true;
        Assert.Equal((ErrorCode.DuplicateSequenceNumber, -1L), Outcome(Produce(connection, Sequenced(1000, 0, 10, 2))));
        Assert.Equal(12, Cluster.LogEndOffset("t", 0));
    }

    [Fact]
    public void A_gap_in_sequences_is_OUT_OF_ORDER_SEQUENCE_NUMBER_with_the_log_start_offset()
    {
        var connection = Connect();
        Produce(connection, Sequenced(1000, 0, 0, 2));

        var gap = Produce(connection, Sequenced(1000, 0, 3, 1), version: 5);

        Assert.Equal((ErrorCode.OutOfOrderSequenceNumber, -1L, 0L), ((ErrorCode)gap.ErrorCode, gap.BaseOffset, gap.LogStartOffset));
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(connection, Sequenced(1000, 0, 2, 1)).ErrorCode);
        Assert.Equal(["0:s0", "1:s1", "2:s2"], LoggedValues());
    }

    [Fact]
    public void A_forgotten_producer_is_UNKNOWN_PRODUCER_ID_until_it_starts_again_at_sequence_0()
    {
        var onOne = Connect(1);
        Produce(onOne, Sequenced(1000, 0, 0, 2));
        Produce(Connect(2), Sequenced(1000, 0, 0, 1), partition: 1);

        Cluster.ForgetProducer(1000);

        var unknown = Produce(onOne, Sequenced(1000, 0, 2, 1));
        Assert.Equal((ErrorCode.UnknownProducerId, 0L), ((ErrorCode)unknown.ErrorCode, unknown.LogStartOffset));
        Assert.Equal(ErrorCode.UnknownProducerId, (ErrorCode)Produce(Connect(3), Sequenced(1000, 0, 5, 1), partition: 2).ErrorCode); // never wrote there
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(onOne, Sequenced(1000, 1, 0, 1)).ErrorCode); // the producer bumps its epoch and resets
        Assert.Equal(["0:s0", "1:s1", "2:s0"], LoggedValues());

        // Current brokers (KIP-360) accept any sequence from a producer they have no state for.
        Cluster.AcceptAnySequenceFromUnknownProducers = true;
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(Connect(3), Sequenced(1000, 1, 5, 1), partition: 2).ErrorCode);
    }

    [Fact]
    public void An_older_epoch_is_INVALID_PRODUCER_EPOCH_and_a_new_epoch_must_start_at_sequence_0()
    {
        var connection = Connect();
        Produce(connection, Sequenced(1000, 0, 0, 3));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (ErrorCode)Produce(connection, Sequenced(1000, 1, 3, 1)).ErrorCode);
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(connection, Sequenced(1000, 1, 0, 1)).ErrorCode);
        var stale = Produce(connection, Sequenced(1000, 0, 3, 1));
        Assert.Equal((ErrorCode.InvalidProducerEpoch, 0L), ((ErrorCode)stale.ErrorCode, stale.LogStartOffset));
        Assert.Equal(["0:s0", "1:s1", "2:s2", "3:s0"], LoggedValues());
    }

    [Fact]
    public void Sequences_wrap_from_int_MaxValue_to_0_as_Kafka_wraps_them()
    {
        Cluster.AcceptAnySequenceFromUnknownProducers = true;
        var connection = Connect();

        Produce(connection, Sequenced(1000, 0, int.MaxValue - 1, 3));

        Assert.Equal([int.MaxValue - 1, int.MaxValue, 0], Cluster.Log("t", 0).Select(r => r.Sequence));
        Assert.Equal(0, Cluster.Batches("t", 0)[0].LastSequence);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (ErrorCode)Produce(connection, Sequenced(1000, 0, 0, 1)).ErrorCode);
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(connection, Sequenced(1000, 0, 1, 1)).ErrorCode);

        Produce(connection, Sequenced(1001, 0, int.MaxValue, 1), partition: 0);
        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(connection, Sequenced(1001, 0, 0, 1)).ErrorCode); // MaxValue, then 0
    }

    [Fact]
    public void Producer_state_survives_a_leader_move_so_a_retry_to_the_new_leader_is_a_duplicate()
    {
        Produce(Connect(1), Sequenced(1000, 0, 0, 2));
        Cluster.SetPartitionLeader("t", 0, 3);
        var onThree = Connect(3);

        Assert.Equal((ErrorCode.None, 0L), Outcome(Produce(onThree, Sequenced(1000, 0, 0, 2))));
        Assert.Equal((ErrorCode.None, 2L), Outcome(Produce(onThree, Sequenced(1000, 0, 2, 1))));
        Assert.Equal(["0:s0", "1:s1", "2:s2"], LoggedValues());
    }

    // ------------------------------------------------------------------ InitProducerId

    [Fact]
    public void An_epoch_bump_through_InitProducerId_fences_the_old_epoch_and_resets_sequences()
    {
        var coordinator = Cluster.Coordinator(CoordinatorType.Transaction, "tx");
        var onCoordinator = Connect(coordinator);
        var first = InitProducerId(onCoordinator, 3, "tx");
        Assert.Equal((0, 1000L, (short)0), ((int)first.ErrorCode, first.ProducerId, first.ProducerEpoch));
        var onLeader = Connect(1);
        Produce(onLeader, Sequenced(1000, 0, 0, 3));

        // KIP-360: the producer names its id and epoch and gets the next epoch of the same id.
        var bumped = InitProducerId(onCoordinator, 3, "tx", 1000, 0);
        Assert.Equal((0, 1000L, (short)1), ((int)bumped.ErrorCode, bumped.ProducerId, bumped.ProducerEpoch));
        Assert.Equal((1000L, (short)1), Cluster.TransactionalProducerId("tx"));

        Assert.Equal(ErrorCode.None, (ErrorCode)Produce(onLeader, Sequenced(1000, 1, 0, 1)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (ErrorCode)Produce(onLeader, Sequenced(1000, 0, 3, 1)).ErrorCode);
        Assert.Equal(["0:s0 1000/0/0", "1:s1 1000/0/1", "2:s2 1000/0/2", "3:s0 1000/1/0"], Cluster.Log("t", 0).Select(r => $"{r.Offset}:{r.ValueString} {r.ProducerId}/{r.ProducerEpoch}/{r.Sequence}"));

        // A retry of that bump (its answer lost) gets epoch 1 again; a producer still at epoch 0 after the next bump is fenced.
        Assert.Equal((short)1, InitProducerId(onCoordinator, 3, "tx", 1000, 0).ProducerEpoch);
        Assert.Equal((short)2, InitProducerId(onCoordinator, 4, "tx", 1000, 1).ProducerEpoch);
        var fenced = InitProducerId(onCoordinator, 4, "tx", 1000, 0);
        Assert.Equal(((short)ErrorCode.ProducerFenced, -1L, (short)-1), (fenced.ErrorCode, fenced.ProducerId, fenced.ProducerEpoch));
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, InitProducerId(onCoordinator, 3, "tx", 1000, 0).ErrorCode); // no PRODUCER_FENCED before v4
        Assert.Equal((short)ErrorCode.ProducerFenced, InitProducerId(onCoordinator, 5, "tx", 999, 2).ErrorCode);

        // Without an id and epoch (a new instance of the application), the epoch is bumped to fence the old one.
        var restarted = InitProducerId(onCoordinator, 2, "tx");
        Assert.Equal((0, 1000L, (short)3), ((int)restarted.ErrorCode, restarted.ProducerId, restarted.ProducerEpoch));
    }

    [Fact]
    public void InitProducerId_without_a_transactional_id_always_gives_a_new_producer_id_at_epoch_0()
    {
        var connection = Connect(2);
        var first = InitProducerId(connection, 0);
        var again = InitProducerId(connection, 4, producerId: first.ProducerId, epoch: 0); // Kafka bumps idempotent epochs on the client

        Assert.Equal([(1000L, (short)0), (1001L, (short)0)], new[] { first, again }.Select(r => (r.ProducerId, r.ProducerEpoch)));
        Assert.Equal((short)ErrorCode.InvalidRequest, InitProducerId(connection, 3, producerId: 5).ErrorCode); // an id without an epoch
    }

    [Fact]
    public void InitProducerId_with_a_transactional_id_checks_the_coordinator_the_id_and_the_timeout()
    {
        var coordinator = Cluster.Coordinator(CoordinatorType.Transaction, "tx");
        var elsewhere = Cluster.NodeIds.First(id => id != coordinator);
        Cluster.TransactionMaxTimeoutMs = 60_000;

        Assert.Equal((short)ErrorCode.NotCoordinator, InitProducerId(Connect(elsewhere), 5, "tx").ErrorCode);
        var onCoordinator = Connect(coordinator);
        Assert.Equal((short)ErrorCode.InvalidRequest, InitProducerId(onCoordinator, 5, "").ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, InitProducerId(onCoordinator, 5, "tx", timeoutMs: 60_001).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, InitProducerId(onCoordinator, 5, "tx", timeoutMs: 0).ErrorCode);
        Assert.Null(Cluster.TransactionalProducerId("tx"));
        Assert.Equal((short)0, InitProducerId(onCoordinator, 5, "tx", timeoutMs: 60_000).ErrorCode);
    }

    // ------------------------------------------------------------------ faults

    [Fact]
    public void Pushed_errors_answer_the_next_requests_in_order_and_None_lets_one_through()
    {
        var connection = Connect();
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower, ErrorCode.None, ErrorCode.RequestTimedOut);

        var outcomes = Enumerable.Range(0, 4).Select(n => Outcome(Produce(connection, Values($"v{n}")))).ToArray();

        Assert.Equal([(ErrorCode.NotLeaderOrFollower, -1L), (ErrorCode.None, 0L), (ErrorCode.RequestTimedOut, -1L), (ErrorCode.None, 1L)], outcomes);
        Assert.Equal(["0:v1", "1:v3"], LoggedValues());

        // Every partition of the request gets the error.
        Cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.KafkaStorageError);
        var request = Request("t", 0, Values("a"));
        request.TopicData[0].PartitionData.Add(new() { Index = 1, Records = Values("b") });
        Assert.Equal([(short)ErrorCode.KafkaStorageError, (short)ErrorCode.KafkaStorageError], Ask(connection, request, 9).Responses[0].PartitionResponses.Select(p => p.ErrorCode));
    }

    [Fact]
    public void A_brokers_own_pushed_errors_come_before_those_for_any_broker()
    {
        Cluster.PushRequestErrors(ApiKey.InitProducerId, ErrorCode.CoordinatorLoadInProgress);
        Cluster.PushRequestErrors(2, ApiKey.InitProducerId, ErrorCode.NotCoordinator);
        var onOne = Connect(1);
        var onTwo = Connect(2);

        Assert.Equal((short)ErrorCode.NotCoordinator, InitProducerId(onTwo).ErrorCode);
        Assert.Equal((short)ErrorCode.CoordinatorLoadInProgress, InitProducerId(onTwo).ErrorCode);
        var granted = InitProducerId(onOne);
        Assert.Equal((0, 1000L), ((int)granted.ErrorCode, granted.ProducerId)); // the failed ones took no id

        Cluster.PushRequestErrors(ApiKey.Metadata, ErrorCode.TopicAuthorizationFailed);
        Cluster.PushRequestErrors(ApiKey.FindCoordinator, ErrorCode.CoordinatorNotAvailable);
        var metadata = Ask(onOne, new MetadataRequest { Topics = [new() { Name = "t" }] }, 12);
        Assert.Equal(((short)ErrorCode.TopicAuthorizationFailed, 0, 3), (metadata.Topics[0].ErrorCode, metadata.Topics[0].Partitions.Count, metadata.Brokers.Count));
        var find = Ask(onOne, new FindCoordinatorRequest { Key = "g" }, 3);
        Assert.Equal(((short)ErrorCode.CoordinatorNotAvailable, -1), (find.ErrorCode, find.NodeId));
        Assert.Equal(3, Ask(onOne, new MetadataRequest { Topics = [new() { Name = "t" }] }, 12).Topics[0].Partitions.Count);

        Assert.Throws<ArgumentException>(() => Cluster.PushRequestErrors(ApiKey.DescribeCluster, ErrorCode.None));
        Assert.Throws<ArgumentException>(() => Cluster.PushRequestErrors(9, ApiKey.Produce, ErrorCode.None));
    }

    [Fact]
    public void A_handler_can_drop_the_connection_after_the_append_and_the_retry_is_a_duplicate()
    {
        var first = true;
        Cluster.Handler = (nodeId, request) =>
        {
            if (request.Request is not ProduceRequest || !first)
            {
                return null;
            }

            first = false;
            Cluster.DefaultReply(nodeId, request); // appended; the answer is lost with the connection
            return BrokerReply.Disconnect();
        };
        var connection = Connect();
        var lost = connection.SendAsync(Request("t", 0, Sequenced(1000, 0, 0, 2)));
        Scheduler.AdvanceBy(1);
        Assert.True(lost.IsFaulted);
        Assert.Equal(["0:s0", "1:s1"], LoggedValues());

        Assert.Equal((ErrorCode.None, 0L), Outcome(Produce(Connect(), Sequenced(1000, 0, 0, 2))));
        Assert.Equal(2, Cluster.LogEndOffset("t", 0));
    }

    [Fact]
    public void Produce_answers_land_after_the_response_delay_the_rtt_and_a_handlers_extra_delay()
    {
        var connection = Connect();
        Cluster.ResponseDelay = TimeSpan.FromMilliseconds(2);
        Cluster.SetBrokerRtt(1, TimeSpan.FromMilliseconds(3));
        Cluster.Handler = (nodeId, request) => request.Request is ProduceRequest ? Cluster.DefaultReply(nodeId, request, TimeSpan.FromMilliseconds(5)) : null;
        var sentAt = Scheduler.Clock;

        var answer = connection.SendAsync(Request("t", 0, Values("slow")));
        Scheduler.AdvanceTo(sentAt + TimeSpan.FromMilliseconds(10).Ticks - 1);

        Assert.False(answer.IsCompleted);
        Assert.Equal(["0:slow"], LoggedValues()); // appended when it arrived
        Assert.Equal(new DateTimeOffset(sentAt, TimeSpan.Zero), Cluster.Batches("t", 0)[0].AppendedAt);
        Scheduler.AdvanceBy(1);
        Assert.True(answer.IsCompletedSuccessfully);
    }
}
