// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Threading.Tasks;
using System.Text;
using Microsoft.Reactive.Testing;
using RxKafka.Network;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Testing;
using RxKafka.Testing.Network;
using static RxKafka.Protocol.Messages.FetchResponse;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster's Fetch (reads, byte limits, waits on the scheduler, sessions) and ListOffsets, in virtual time.</summary>
public sealed class ScriptedClusterFetchTests : ScriptedClusterTestBed
{
    // A batch of values with timestamps Time0 + the given offsets (Time0, Time0 + 1, ... by default).
    private static byte[] Values(string[] values, long[]? times = null, CompressionType compression = CompressionType.None)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < values.Length; i++)
        {
            builder.Append(Time0 + (times?[i] ?? i), Encoding.UTF8.GetBytes($"k-{values[i]}"), Encoding.UTF8.GetBytes(values[i]));
        }

        return builder.Build(compression).ToArray();
    }

    private void Produce(int partition, byte[] batch)
    {
        var leader = Cluster.Partitions("t")[partition].LeaderId;
        var response = Ask(Connect(leader), new ProduceRequest { Acks = -1, TimeoutMs = 1000, TopicData = [new() { Name = "t", PartitionData = [new() { Index = partition, Records = batch }] }] }, 9);
        Assert.Equal(0, response.Responses[0].PartitionResponses[0].ErrorCode);
    }

    private FetchRequest Fetch(params (int Partition, long Offset)[] partitions) => new()
    {
        MaxWaitMs = 0,
        MinBytes = 1,
        MaxBytes = 1 << 20,
        SessionId = 0,
        SessionEpoch = -1,
        Topics = [new() { Topic = "t", TopicId = Cluster.TopicId("t"), Partitions = partitions.Select(p => new FetchRequest.FetchPartition { Partition = p.Partition, FetchOffset = p.Offset, PartitionMaxBytes = 1 << 20 }).ToList() }],
    };

    private static FetchRequest Waiting(FetchRequest request, int maxWaitMs)
    {
        request.MaxWaitMs = maxWaitMs;
        return request;
    }

    // "offset:value" for every record of the fetched bytes, CRCs checked.
    private static string[] Read(PartitionData data)
    {
        using var reader = new RecordBatchReader(data.Records ?? ReadOnlyMemory<byte>.Empty);
        var read = new List<string>();
        while (reader.TryReadBatch(out var batch))
        {
            foreach (var record in batch)
            {
                read.Add($"{record.Offset}:{Encoding.UTF8.GetString(record.Value.Span)}");
            }
        }

        return read.ToArray();
    }

    private static PartitionData Only(FetchResponse response) => Assert.Single(Assert.Single(response.Responses).Partitions);

    // ------------------------------------------------------------------ reading

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(16)]
    [InlineData(17)]
    public void Fetch_from_an_offset_inside_a_batch_returns_whole_batches_from_the_one_that_holds_it(short version)
    {
        Produce(0, Values(["a", "b", "c"]));
        Produce(0, Values(["d", "e"], compression: CompressionType.Gzip));
        var connection = Connect(1);

        var data = Only(Ask(connection, Fetch((0, 1)), version));

        Assert.Equal(((short)0, 5L, 5L, version >= 5 ? 0L : -1L), (data.ErrorCode, data.HighWatermark, data.LastStableOffset, data.LogStartOffset));
        Assert.Equal(["0:a", "1:b", "2:c", "3:d", "4:e"], Read(data)); // the client skips offset 0 itself
        Assert.Equal(Cluster.Batches("t", 0)[0].Bytes.Length + Cluster.Batches("t", 0)[1].Bytes.Length, data.Records!.Value.Length);
        Assert.Equal(["3:d", "4:e"], Read(Only(Ask(connection, Fetch((0, 4)), version))));
        var atEnd = Only(Ask(connection, Fetch((0, 5)), version));
        Assert.Equal((0, 5L), (atEnd.Records!.Value.Length, atEnd.HighWatermark));
        var response = Ask(connection, Fetch((0, 1)), version);
        Assert.Equal(version >= 13 ? ("", Cluster.TopicId("t")) : ("t", Guid.Empty), (response.Responses[0].Topic, response.Responses[0].TopicId));
    }

    [Fact]
    public void The_batches_served_carry_their_assigned_base_offset_and_leader_epoch()
    {
        Produce(0, Values(["a"]));
        Cluster.SetPartitionLeader("t", 0, 1); // epoch 1
        Produce(0, Values(["b", "c"]));

        var data = Only(Ask(Connect(1), Fetch((0, 0)), 12));

        using var reader = new RecordBatchReader(data.Records!.Value);
        var batches = reader.Select(b => (b.BaseOffset, b.PartitionLeaderEpoch)).ToArray();
        Assert.Equal([(0L, 0), (1L, 1)], batches);
        Assert.Equal(0L, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(Cluster.Batches("t", 0)[1].Bytes.Span)); // stored as received
    }

    [Fact]
    public void Partition_max_bytes_takes_whole_batches_and_the_first_batch_comes_whole_even_when_larger()
    {
        Produce(0, Values(["a"]));
        Produce(0, Values(["b"]));
        Produce(1, Values(["x"]));
        var size = Cluster.Batches("t", 0)[0].Bytes.Length;
        var connection = Connect(1);

        var two = Fetch((0, 0));
        two.Topics[0].Partitions[0].PartitionMaxBytes = (2 * size) - 1;
        Assert.Equal(["0:a"], Read(Only(Ask(connection, two, 12))));

        // KIP-74: the first batch of the first partition with data comes whole, whatever the limits.
        var tiny = Fetch((0, 0));
        (tiny.MaxBytes, tiny.Topics[0].Partitions[0].PartitionMaxBytes) = (1, 1);
        Assert.Equal(["0:a"], Read(Only(Ask(connection, tiny, 12))));

        // Fetch v0-2: hard limits, the batch is cut where the limit falls.
        var old = Only(Ask(connection, tiny, 2));
        Assert.Equal(1, old.Records!.Value.Length);

        // max_bytes spans partitions: once used up, later partitions return nothing (but their offsets).
        Cluster.SetPartitionLeader("t", 1, 1);
        var both = Fetch((0, 0), (1, 0));
        both.MaxBytes = size;
        var answer = Assert.Single(Ask(connection, both, 12).Responses).Partitions;
        Assert.Equal(["0:a"], Read(answer[0]));
        Assert.Equal((0, 1L), (answer[1].Records!.Value.Length, answer[1].HighWatermark));
    }

    [Fact]
    public void An_offset_outside_the_log_is_OFFSET_OUT_OF_RANGE_with_no_offsets()
    {
        Produce(0, Values(["a", "b"]));
        var connection = Connect(1);

        var beyond = Only(Ask(connection, Fetch((0, 3)), 12));
        var negative = Only(Ask(connection, Fetch((0, -1)), 12));

        Assert.Equal(((short)ErrorCode.OffsetOutOfRange, -1L, -1L, -1L), (beyond.ErrorCode, beyond.HighWatermark, beyond.LastStableOffset, beyond.LogStartOffset));
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, negative.ErrorCode);
        Assert.Equal(0, beyond.Records!.Value.Length);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(16)]
    public void After_a_leader_move_Fetch_is_NOT_LEADER_OR_FOLLOWER_naming_the_new_leader_from_v12(short version)
    {
        Produce(0, Values(["a"]));
        var onOne = Connect(1);
        Cluster.SetPartitionLeader("t", 0, 2); // epoch 1

        var response = Ask(onOne, Fetch((0, 0)), version);

        var data = Only(response);
        Assert.Equal(((short)ErrorCode.NotLeaderOrFollower, -1L), (data.ErrorCode, data.HighWatermark));
        Assert.Equal(version >= 12 ? (2, 1) : (-1, -1), (data.CurrentLeader.LeaderId, data.CurrentLeader.LeaderEpoch));
        Assert.Equal(version >= 16 ? [(2, "broker-2")] : [], response.NodeEndpoints.Select(e => (e.NodeId, e.Host)));
        Assert.Equal(["0:a"], Read(Only(Ask(Connect(2), Fetch((0, 0)), version))));
    }

    [Fact]
    public void A_current_leader_epoch_older_than_the_partitions_is_FENCED_and_a_newer_one_UNKNOWN_LEADER_EPOCH()
    {
        Cluster.SetPartitionLeader("t", 0, 1); // epoch 1
        var connection = Connect(1);
        FetchRequest At(int epoch)
        {
            var request = Fetch((0, 0));
            request.Topics[0].Partitions[0].CurrentLeaderEpoch = epoch;
            return request;
        }

        Assert.Equal(
            [ErrorCode.FencedLeaderEpoch, ErrorCode.None, ErrorCode.UnknownLeaderEpoch, ErrorCode.None],
            new[] { 0, 1, 2, -1 }.Select(e => (ErrorCode)Only(Ask(connection, At(e), 12)).ErrorCode));
    }

    [Fact]
    public void Unknown_topics_and_partitions_are_UNKNOWN_TOPIC_OR_PARTITION_and_unknown_topic_ids_UNKNOWN_TOPIC_ID_from_v13()
    {
        var connection = Connect(1);
        var byName = Fetch((7, 0));
        var unknownId = Fetch((0, 0));
        unknownId.Topics[0].TopicId = Guid.NewGuid();
        unknownId.Topics[0].Topic = "nope";

        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, Only(Ask(connection, byName, 12)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, Only(Ask(connection, unknownId, 12)).ErrorCode);
        var response = Ask(connection, unknownId, 13);
        Assert.Equal(((short)ErrorCode.UnknownTopicId, unknownId.Topics[0].TopicId), (Only(response).ErrorCode, response.Responses[0].TopicId));
    }

    // ------------------------------------------------------------------ waiting

    [Fact]
    public void An_empty_fetch_is_answered_at_the_tick_a_record_arrives_for_one_of_its_partitions()
    {
        var consumer = Connect(1);
        var producer = Connect(1);
        var request = Fetch((0, 0));
        request.MaxWaitMs = 500;
        var fetch = consumer.Send(request, 12).ToTask();
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100));
        Assert.False(fetch.IsCompleted);

        var producedAt = Scheduler.Clock;
        var produce = producer.Send(new ProduceRequest { Acks = 1, TimeoutMs = 1000, TopicData = [new() { Name = "t", PartitionData = [new() { Index = 0, Records = Values(["late"]) }] }] }, 9).ToTask();
        Scheduler.AdvanceBy(1);

        Assert.True(fetch.IsCompletedSuccessfully && produce.IsCompletedSuccessfully);
        Assert.Equal(producedAt + 1, Scheduler.Clock); // answered with the Produce, one tick after the append
        Assert.Equal(["0:late"], Read(Only(fetch.Result)));
    }

    [Fact]
    public void An_empty_fetch_expires_at_exactly_max_wait_with_nothing()
    {
        var consumer = Connect(1);
        var request = Fetch((0, 0));
        request.MaxWaitMs = 500;
        Produce(1, Values(["elsewhere"])); // another partition, another leader: wakes nothing here

        var fetch = consumer.Send(request, 12).ToTask();
        var arrived = Cluster.Requests[^1].Request.ReceivedAt.UtcTicks;
        Scheduler.AdvanceTo(arrived + TimeSpan.FromMilliseconds(500).Ticks - 1);
        Assert.False(fetch.IsCompleted);
        Scheduler.AdvanceBy(1);

        Assert.True(fetch.IsCompletedSuccessfully);
        var data = Only(fetch.Result);
        Assert.Equal(((short)0, 0L, 0), (data.ErrorCode, data.HighWatermark, data.Records!.Value.Length));
    }

    [Fact]
    public void A_waiting_fetch_is_answered_at_once_when_min_bytes_is_reached_or_its_leader_moves()
    {
        var consumer = Connect(1);
        var request = Fetch((0, 0));
        (request.MaxWaitMs, request.MinBytes) = (10_000, 200);
        var fetch = consumer.Send(request, 12).ToTask();

        Produce(0, Values(["small"]));
        Scheduler.AdvanceBy(1);
        Assert.False(fetch.IsCompleted); // fewer than 200 bytes
        Produce(0, Values([new string('x', 200)]));
        Scheduler.AdvanceBy(1);
        Assert.True(fetch.IsCompletedSuccessfully);
        Assert.Equal(2, Read(Only(fetch.Result)).Length);

        var moved = consumer.Send(Waiting(Fetch((0, 2)), 10_000), 12).ToTask();
        Scheduler.AdvanceBy(1);
        Cluster.SetPartitionLeader("t", 0, 2);
        Scheduler.AdvanceBy(1);
        Assert.True(moved.IsCompletedSuccessfully);
        Assert.Equal((short)ErrorCode.NotLeaderOrFollower, Only(moved.Result).ErrorCode);
    }

    // ------------------------------------------------------------------ sessions

    [Fact]
    public void A_session_answers_full_then_only_what_changed_and_forgets_partitions_as_told()
    {
        Cluster.SetPartitionLeader("t", 1, 1);
        Produce(0, Values(["a"]));
        var connection = Connect(1);

        var open = Fetch((0, 0), (1, 0));
        open.SessionEpoch = 0;
        var full = Ask(connection, open, 12);
        var session = full.SessionId;
        Assert.True(session > 0);
        Assert.Equal([0, 1], full.Responses[0].Partitions.Select(p => p.PartitionIndex));
        Assert.Equal([session], Cluster.FetchSessionIds(1));

        // The client moved on past "a" and nothing else changed: an incremental fetch answers no partitions.
        FetchRequest Next(int epoch, params (int Partition, long Offset)[] changed)
        {
            var request = Fetch(changed);
            (request.SessionId, request.SessionEpoch) = (session, epoch);
            if (changed.Length == 0)
            {
                request.Topics.Clear();
            }

            return request;
        }

        Assert.Empty(Ask(connection, Next(1, (0, 1)), 12).Responses);

        // A record on partition 1: only partition 1 comes back.
        Produce(1, Values(["b"]));
        var incremental = Ask(connection, Next(2), 12);
        Assert.Equal((session, 1), (incremental.SessionId, Only(incremental).PartitionIndex));
        Assert.Equal(["0:b"], Read(Only(incremental)));

        // The client moves partition 1 on and forgets partition 0; a record on 0 is then not reported.
        var forget = Next(3, (1, 1));
        forget.ForgottenTopicsData = [new() { Topic = "t", Partitions = [0] }];
        Assert.Empty(Ask(connection, forget, 12).Responses); // partition 1 at its end, nothing new
        Produce(0, Values(["c"]));
        Assert.Empty(Ask(connection, Next(4), 12).Responses);

        // A wrong epoch or an unknown session is the response's error; the session survives a wrong epoch.
        Assert.Equal(((short)ErrorCode.InvalidFetchSessionEpoch, 0), (Ask(connection, Next(9), 12).ErrorCode, Ask(connection, Next(9), 12).Responses.Count));
        var unknown = Next(5);
        unknown.SessionId = session + 100;
        Assert.Equal((short)ErrorCode.FetchSessionIdNotFound, Ask(connection, unknown, 12).ErrorCode);
        Assert.Equal((short)0, Ask(connection, Next(5), 12).ErrorCode);

        // The final epoch closes it.
        Ask(connection, Next(-1, (0, 0)), 12);
        Assert.Empty(Cluster.FetchSessionIds(1));
    }

    [Fact]
    public void A_full_session_cache_answers_without_a_session_until_one_is_idle_long_enough_to_evict()
    {
        Cluster.FetchSessionCacheSlots = 1;
        var connection = Connect(1);
        var open = Fetch((0, 0));
        open.SessionEpoch = 0;

        var first = Ask(connection, open, 12).SessionId;
        Assert.Equal(0, Ask(connection, open, 12).SessionId);
        Scheduler.AdvanceBy(Cluster.FetchSessionEvictionIdle);
        var second = Ask(connection, open, 12).SessionId;

        Assert.True(first > 0 && second > first);
        Assert.Equal([second], Cluster.FetchSessionIds(1));
    }

    // ------------------------------------------------------------------ ListOffsets

    private ListOffsetsResponse.ListOffsetsPartitionResponse ListOffset(KafkaConnection connection, long timestamp, short version = 7, sbyte isolation = 0, int partition = 0, int epoch = -1) =>
        Ask(connection, new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = isolation,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = partition, Timestamp = timestamp, CurrentLeaderEpoch = epoch }] }],
        }, version).Topics[0].Partitions[0];

    [Fact]
    public void ListOffsets_answers_earliest_latest_max_timestamp_and_the_first_offset_at_or_after_a_time()
    {
        var connection = Connect(1);
        Assert.Equal((0L, -1L), (ListOffset(connection, -1).Offset, ListOffset(connection, -3).Offset)); // empty log
        Produce(0, Values(["a", "b", "c"], [10, 30, 20]));
        Produce(0, Values(["d"], [25]));

        (long, long) Answer(long timestamp, short version = 7, sbyte isolation = 0) =>
            ListOffset(connection, timestamp, version, isolation) is var r ? (r.Offset, r.Timestamp) : default;

        Assert.Equal((0L, -1L), Answer(-2));
        Assert.Equal((4L, -1L), Answer(-1));
        Assert.Equal((4L, -1L), Answer(-1, isolation: 1)); // read_committed: the last stable offset, the same here
        Assert.Equal((1L, Time0 + 30), Answer(-3));
        Assert.Equal((0L, Time0 + 10), Answer(Time0));
        Assert.Equal((1L, Time0 + 30), Answer(Time0 + 11));
        Assert.Equal((1L, Time0 + 30), Answer(Time0 + 21)); // first by offset, not by time
        Assert.Equal((-1L, -1L), Answer(Time0 + 31));
        Assert.Equal((0L, -1L), Answer(-4, version: 8));
        Assert.Equal([4L], Ask(connection, new ListOffsetsRequest { ReplicaId = -1, Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Timestamp = -1, MaxNumOffsets = 1 }] }] }, 0).Topics[0].Partitions[0].OldStyleOffsets);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(10)]
    public void ListOffsets_round_trips_at_each_version_with_the_fields_that_version_has(short version)
    {
        Produce(0, Values(["a", "b"]));

        var latest = ListOffset(Connect(1), -1, version);

        Assert.Equal(version == 0 ? (-1L, -1) : (2L, version >= 4 ? 0 : -1), (latest.Offset, latest.LeaderEpoch));
        Assert.Equal(version == 0 ? [2L] : [], latest.OldStyleOffsets);
    }

    [Fact]
    public void ListOffsets_checks_the_leader_the_epoch_and_the_partition_as_a_leader_does()
    {
        Produce(0, Values(["a"]));
        Cluster.SetPartitionLeader("t", 0, 1); // epoch 1
        var onOne = Connect(1);

        Assert.Equal((short)ErrorCode.NotLeaderOrFollower, ListOffset(Connect(2), -1).ErrorCode);
        Assert.Equal((short)ErrorCode.FencedLeaderEpoch, ListOffset(onOne, -1, epoch: 0).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownLeaderEpoch, ListOffset(onOne, -1, epoch: 2).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, ListOffset(onOne, -1, partition: 9).ErrorCode);
        var latest = ListOffset(onOne, -1, epoch: 1);
        Assert.Equal((1L, 1), (latest.Offset, latest.LeaderEpoch));
        Assert.Equal(0, ListOffset(onOne, -2).LeaderEpoch); // the epoch the first batch was written in
    }

    [Fact]
    public void Pushed_errors_and_a_down_broker_apply_to_Fetch_and_ListOffsets()
    {
        var connection = Connect(1);
        Cluster.PushRequestErrors(ApiKey.Fetch, ErrorCode.NotLeaderOrFollower, ErrorCode.FetchSessionIdNotFound);
        Cluster.PushRequestErrors(ApiKey.ListOffsets, ErrorCode.KafkaStorageError);

        Assert.Equal((short)ErrorCode.NotLeaderOrFollower, Only(Ask(connection, Fetch((0, 0)), 12)).ErrorCode);
        var session = Ask(connection, Fetch((0, 0)), 12);
        Assert.Equal(((short)ErrorCode.FetchSessionIdNotFound, 0), (session.ErrorCode, session.Responses.Count));
        Assert.Equal((short)0, Only(Ask(connection, Fetch((0, 0)), 12)).ErrorCode);
        Assert.Equal((short)ErrorCode.KafkaStorageError, ListOffset(connection, -1).ErrorCode);

        var waiting = connection.Send(Waiting(Fetch((0, 0)), 5_000), 12).ToTask();
        Scheduler.AdvanceBy(1);
        Cluster.SetBrokerDown(1);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(6));
        Assert.True(waiting.IsFaulted);
    }

    [Fact]
    public void ServeTcp_refuses_a_cluster_on_virtual_time_which_nothing_would_advance()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Cluster.ServeTcp());

        Assert.Contains("DefaultScheduler", refused.Message);
    }
}
