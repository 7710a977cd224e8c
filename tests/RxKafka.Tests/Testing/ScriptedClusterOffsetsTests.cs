using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;
using static RxKafka.Protocol.Messages.OffsetCommitRequest;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster's committed offsets: OffsetCommit and OffsetFetch at the group coordinator, in virtual time.</summary>
public sealed class ScriptedClusterOffsetsTests : ScriptedClusterTestBed
{
    public ScriptedClusterOffsetsTests()
    {
        Cluster.SetCoordinator(CoordinatorType.Group, "g", 1);
        Cluster.SetCoordinator(CoordinatorType.Group, "h", 1);
        Cluster.SetCoordinator(CoordinatorType.Group, "elsewhere", 2);
    }

    private static OffsetCommitRequest Commit(string group, params (string Topic, int Partition, long Offset)[] offsets) => new()
    {
        GroupId = group,
        Topics = offsets.GroupBy(o => o.Topic).Select(t => new OffsetCommitRequestTopic
        {
            Name = t.Key,
            Partitions = t.Select(o => new OffsetCommitRequestPartition { PartitionIndex = o.Partition, CommittedOffset = o.Offset, CommittedMetadata = $"m{o.Offset}" }).ToList(),
        }).ToList(),
    };

    // OffsetFetch before v8: one group; null topics (v2+) for every partition it committed.
    private static OffsetFetchRequest Fetch(string group, params (string Topic, int[] Partitions)[]? topics) => new()
    {
        GroupId = group,
        Topics = topics?.Select(t => new OffsetFetchRequest.OffsetFetchRequestTopic { Name = t.Topic, PartitionIndexes = t.Partitions.ToList() }).ToList(),
    };

    // One group's offsets at any version: the v8+ form with one group, the older one before.
    private string[] FetchAt(KafkaConnection connection, short version, string group, params (string Topic, int[] Partitions)[] topics)
    {
        if (version < 8)
        {
            return Offsets(Ask(connection, Fetch(group, topics), version));
        }

        var request = new OffsetFetchRequest { Groups = [new() { GroupId = group, Topics = topics.Select(t => new OffsetFetchRequest.OffsetFetchRequestTopics { Name = t.Topic, PartitionIndexes = t.Partitions.ToList() }).ToList() }] };
        return Offsets(Assert.Single(Ask(connection, request, version).Groups));
    }

    private static short[] Errors(OffsetCommitResponse response) => response.Topics.SelectMany(t => t.Partitions.Select(p => p.ErrorCode)).ToArray();

    private static string[] Offsets(OffsetFetchResponse response) =>
        response.Topics.SelectMany(t => t.Partitions.Select(p => $"{t.Name}-{p.PartitionIndex}:{p.CommittedOffset}:{p.CommittedLeaderEpoch}:{p.Metadata}:{p.ErrorCode}")).ToArray();

    private static string[] Offsets(OffsetFetchResponse.OffsetFetchResponseGroup group) =>
        group.Topics.SelectMany(t => t.Partitions.Select(p => $"{t.Name}-{p.PartitionIndex}:{p.CommittedOffset}:{p.CommittedLeaderEpoch}:{p.Metadata}:{p.ErrorCode}")).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    public void A_standalone_commit_is_kept_and_fetched_back_at_the_same_version(short version)
    {
        var connection = Connect(1);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);
        var committed = Ask(connection, Commit("g", ("t", 0, 42), ("t", 2, 7)), version);
        Assert.Equal([0, 0], Errors(committed));

        Assert.Equal(["t-0:42:-1:m42:0", "t-1:-1:-1::0", "t-2:7:-1:m7:0"], FetchAt(connection, version, "g", ("t", [0, 1, 2])));
        var held = Cluster.CommittedOffset("g", "t", 0);
        Assert.NotNull(held);
        Assert.Equal((42L, -1, "m42"), (held.Offset, held.LeaderEpoch, held.Metadata));
        Assert.True(held.CommittedAt > Scheduler.Now - TimeSpan.FromSeconds(1) && held.CommittedAt <= Scheduler.Now, $"committed at {held.CommittedAt}");
        Assert.Null(Cluster.CommittedOffset("g", "t", 1));
    }

    [Fact]
    public void A_v1_commit_keeps_the_commit_timestamp_it_gives_and_a_null_metadata_is_kept_empty()
    {
        var request = Commit("g", ("t", 0, 5));
        request.Topics[0].Partitions[0].CommitTimestamp = Time0;
        request.Topics[0].Partitions[0].CommittedMetadata = null;
        Assert.Equal([0], Errors(Ask(Connect(1), request, 1)));

        Assert.Equal(new ScriptedCommittedOffset(5, -1, "", DateTimeOffset.FromUnixTimeMilliseconds(Time0)), Cluster.CommittedOffset("g", "t", 0));
    }

    [Fact]
    public void The_leader_epoch_committed_from_v6_comes_back_from_v5_fetches_and_not_before()
    {
        var connection = Connect(1);
        var request = Commit("g", ("t", 0, 42));
        request.Topics[0].Partitions[0].CommittedLeaderEpoch = 3;
        Assert.Equal([0], Errors(Ask(connection, request, 6)));

        Assert.Equal(3, Cluster.CommittedOffset("g", "t", 0)!.LeaderEpoch);
        Assert.Equal(["t-0:42:3:m42:0"], Offsets(Ask(connection, Fetch("g", ("t", [0])), 5)));
        Assert.Equal(["t-0:42:3:m42:0"], FetchAt(connection, 9, "g", ("t", [0])));
        Assert.Equal(["t-0:42:-1:m42:0"], Offsets(Ask(connection, Fetch("g", ("t", [0])), 4)));

        // Before v6 a commit has no leader epoch: it is dropped.
        Assert.Equal([0], Errors(Ask(connection, request, 5)));
        Assert.Equal(-1, Cluster.CommittedOffset("g", "t", 0)!.LeaderEpoch);
    }

    [Fact]
    public void An_OffsetFetch_from_v8_asks_for_several_groups_and_a_group_coordinated_elsewhere_is_NOT_COORDINATOR()
    {
        var connection = Connect(1);
        Ask(connection, Commit("g", ("t", 0, 1)), 9);
        Ask(connection, Commit("h", ("t", 1, 2)), 9);

        var response = Ask(connection, new OffsetFetchRequest
        {
            RequireStable = true,
            Groups =
            [
                new() { GroupId = "g", Topics = [new() { Name = "t", PartitionIndexes = [0, 1] }] },
                new() { GroupId = "h", Topics = null },
                new() { GroupId = "elsewhere", Topics = [new() { Name = "t", PartitionIndexes = [0] }] },
                new() { GroupId = "", Topics = null },
            ],
        }, 8);

        Assert.Equal(["g", "h", "elsewhere", ""], response.Groups.Select(g => g.GroupId));
        Assert.Equal(["t-0:1:-1:m1:0", "t-1:-1:-1::0"], Offsets(response.Groups[0]));
        Assert.Equal(["t-1:2:-1:m2:0"], Offsets(response.Groups[1]));
        Assert.Equal(((short)ErrorCode.NotCoordinator, 0), (response.Groups[2].ErrorCode, response.Groups[2].Topics.Count));
        Assert.Equal((short)ErrorCode.InvalidGroupId, response.Groups[3].ErrorCode);
    }

    [Fact]
    public void A_broker_that_is_not_the_groups_coordinator_answers_NOT_COORDINATOR_and_keeps_nothing()
    {
        var connection = Connect(1);
        Assert.Equal([(short)ErrorCode.NotCoordinator, (short)ErrorCode.NotCoordinator], Errors(Ask(connection, Commit("elsewhere", ("t", 0, 1), ("t", 1, 1)), 9)));
        Assert.Null(Cluster.CommittedOffset("elsewhere", "t", 0));

        // Before v2 the error is every partition's; v2-v7 it is the response's own.
        Assert.Equal([$"t-0:-1:-1::{(short)ErrorCode.NotCoordinator}"], Offsets(Ask(connection, Fetch("elsewhere", ("t", [0])), 1)));
        var v7 = Ask(connection, Fetch("elsewhere", ("t", [0])), 7);
        Assert.Equal(((short)ErrorCode.NotCoordinator, 0), (v7.ErrorCode, v7.Topics.Count));

        Assert.Equal([0], Errors(Ask(Connect(2), Commit("elsewhere", ("t", 0, 1)), 9)));
    }

    [Fact]
    public void Unknown_topics_and_partitions_are_UNKNOWN_TOPIC_OR_PARTITION_and_the_others_are_committed()
    {
        var response = Ask(Connect(1), Commit("g", ("t", 0, 1), ("t", 3, 1), ("missing", 0, 1)), 9);

        Assert.Equal([0, (short)ErrorCode.UnknownTopicOrPartition, (short)ErrorCode.UnknownTopicOrPartition], Errors(response));
        Assert.NotNull(Cluster.CommittedOffset("g", "t", 0));
        Assert.Null(Cluster.CommittedOffset("g", "t", 3));
    }

    [Fact]
    public void Metadata_longer_than_OffsetMetadataMaxBytes_is_OFFSET_METADATA_TOO_LARGE_for_that_partition_only()
    {
        var request = Commit("g", ("t", 0, 1), ("t", 1, 1));
        request.Topics[0].Partitions[0].CommittedMetadata = new string('x', ScriptedCluster.DefaultOffsetMetadataMaxBytes);
        request.Topics[0].Partitions[1].CommittedMetadata = new string('x', ScriptedCluster.DefaultOffsetMetadataMaxBytes + 1);

        Assert.Equal([0, (short)ErrorCode.OffsetMetadataTooLarge], Errors(Ask(Connect(1), request, 9)));
        Assert.Equal(4096, Cluster.CommittedOffset("g", "t", 0)!.Metadata.Length);
        Assert.Null(Cluster.CommittedOffset("g", "t", 1));
    }

    [Fact]
    public void An_empty_group_id_is_INVALID_GROUP_ID()
    {
        var connection = Connect(1);
        Assert.Equal([(short)ErrorCode.InvalidGroupId], Errors(Ask(connection, Commit("", ("t", 0, 1)), 9)));
        Assert.Equal((short)ErrorCode.InvalidGroupId, Ask(connection, Fetch("", ("t", [0])), 7).ErrorCode);
    }

    [Fact]
    public void A_commit_naming_a_generation_is_ILLEGAL_GENERATION_for_a_new_group_GROUP_ID_NOT_FOUND_from_v9_and_UNKNOWN_MEMBER_ID_once_it_exists()
    {
        var connection = Connect(1);
        var member = Commit("g", ("t", 0, 9));
        (member.GenerationIdOrMemberEpoch, member.MemberId) = (1, "member-1");

        Assert.Equal([(short)ErrorCode.IllegalGeneration], Errors(Ask(connection, member, 8)));
        Assert.Equal([(short)ErrorCode.GroupIdNotFound], Errors(Ask(connection, member, 9)));
        Ask(connection, Commit("g", ("t", 1, 1)), 9);
        Assert.Equal([(short)ErrorCode.UnknownMemberId], Errors(Ask(connection, member, 9)));
        Assert.Null(Cluster.CommittedOffset("g", "t", 0));
    }

    [Fact]
    public void Unknown_groups_and_partitions_are_fetched_as_offset_minus_one_with_no_error()
    {
        var connection = Connect(1);
        Cluster.SetCoordinator(CoordinatorType.Group, "nobody", 1);

        Assert.Equal(["t-0:-1:-1::0", "missing-4:-1:-1::0"], Offsets(Ask(connection, Fetch("nobody", ("t", [0]), ("missing", [4])), 7)));
        Assert.Empty(Ask(connection, Fetch("nobody", null), 7).Topics);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    public void Null_topics_fetch_every_partition_the_group_committed(short version)
    {
        Cluster.CreateTopic("a", partitions: 2);
        var connection = Connect(1);
        Ask(connection, Commit("g", ("t", 2, 20), ("a", 1, 11), ("t", 0, 10)), 9);

        var response = Ask(connection, Fetch("g", null), version);

        Assert.Equal(["a-1:11:-1:m11:0", "t-0:10:-1:m10:0", "t-2:20:-1:m20:0"], Offsets(response));
    }

    [Fact]
    public void Deleting_a_topic_drops_the_offsets_committed_for_it()
    {
        Cluster.CreateTopic("a", partitions: 1);
        Ask(Connect(1), Commit("g", ("a", 0, 3), ("t", 0, 4)), 9);

        Cluster.DeleteTopic("a");

        Assert.Null(Cluster.CommittedOffset("g", "a", 0));
        Assert.Equal(4, Cluster.CommittedOffset("g", "t", 0)!.Offset);
    }

    [Fact]
    public void Pushed_errors_answer_OffsetCommit_and_OffsetFetch_and_change_nothing()
    {
        var connection = Connect(1);
        Cluster.PushRequestErrors(ApiKey.OffsetCommit, ErrorCode.CoordinatorLoadInProgress);
        Cluster.PushRequestErrors(1, ApiKey.OffsetFetch, ErrorCode.NotCoordinator, ErrorCode.CoordinatorLoadInProgress);

        Assert.Equal([(short)ErrorCode.CoordinatorLoadInProgress, (short)ErrorCode.CoordinatorLoadInProgress], Errors(Ask(connection, Commit("g", ("t", 0, 1), ("t", 1, 1)), 9)));
        Assert.Null(Cluster.CommittedOffset("g", "t", 0));
        Assert.Equal([0], Errors(Ask(connection, Commit("g", ("t", 0, 1)), 9)));

        var v8 = Ask(connection, new OffsetFetchRequest { Groups = [new() { GroupId = "g", Topics = null }] }, 8);
        Assert.Equal((short)ErrorCode.NotCoordinator, Assert.Single(v8.Groups).ErrorCode);
        Assert.Equal([$"t-0:-1:-1::{(short)ErrorCode.CoordinatorLoadInProgress}"], Offsets(Ask(connection, Fetch("g", ("t", [0])), 1)));
        Assert.Equal(["t-0:1:-1:m1:0"], Offsets(Ask(connection, Fetch("g", ("t", [0])), 1)));
    }

    [Fact]
    public void A_Handler_answers_OffsetCommit_before_the_model()
    {
        Cluster.Handler = (_, request) => request.Request is OffsetCommitRequest commit
            ? BrokerReply.Respond(new OffsetCommitResponse { Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, ErrorCode = (short)ErrorCode.RebalanceInProgress }] }] })
            : null;

        Assert.Equal([(short)ErrorCode.RebalanceInProgress], Errors(Ask(Connect(1), Commit("g", ("t", 0, 1)), 9)));
        Assert.Null(Cluster.CommittedOffset("g", "t", 0));
    }
}
