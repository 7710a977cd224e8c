using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>
/// The scripted cluster's KIP-848 groups (R7), in virtual time: request validation, the coordinator, subscriptions
/// by pattern and topic changes, the range assignor, commits checked against member epochs, and how the other
/// group APIs see a consumer group.
/// </summary>
public sealed class ScriptedClusterConsumerGroupsRulesTests : ScriptedClusterConsumerGroupsTestBed
{
    public static TheoryData<string, ErrorCode, string> InvalidJoins => new()
    {
        { "no rebalance timeout", ErrorCode.InvalidRequest, "RebalanceTimeoutMs must be provided in first request." },
        { "owned partitions", ErrorCode.InvalidRequest, "TopicPartitions must be empty when (re-)joining." },
        { "no subscription", ErrorCode.InvalidRequest, "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining." },
        { "blank instance id", ErrorCode.InvalidRequest, "InstanceId can't be empty." },
        { "blank group id", ErrorCode.InvalidRequest, "GroupId can't be empty." },
        { "epoch -3", ErrorCode.InvalidRequest, "MemberEpoch is invalid." },
        { "static leave without instance id", ErrorCode.InvalidRequest, "InstanceId can't be null." },
        { "unknown assignor", ErrorCode.UnsupportedAssignor, "ServerAssignor sticky is not supported. Supported assignors: uniform, range." },
    };

    [Theory]
    [MemberData(nameof(InvalidJoins))]
    public void R7_a_request_Kafka_refuses_is_answered_with_the_error_and_a_message_naming_what_is_wrong(string what, ErrorCode error, string message)
    {
        var a = NewConsumer("a");
        var request = Joining(a);
        switch (what)
        {
            case "no rebalance timeout": request.RebalanceTimeoutMs = -1; break;
            case "owned partitions": request.TopicPartitions = null; break;
            case "no subscription": request.SubscribedTopicNames = null; break;
            case "blank instance id": request.InstanceId = " "; break;
            case "blank group id": request.GroupId = ""; break;
            case "epoch -3": request.MemberEpoch = -3; break;
            case "static leave without instance id": request.MemberEpoch = -2; break;
            case "unknown assignor": request.ServerAssignor = "sticky"; break;
        }

        var answer = Beat(a, request);

        Assert.Equal((error, message), (Error(answer.ErrorCode), answer.ErrorMessage));
        Assert.Null(Cluster.DescribeConsumerGroup(G));
    }

    [Fact]
    public void R7_the_coordinator_alone_answers_and_a_moved_coordinator_carries_the_group_on()
    {
        var a = NewConsumer("a");
        Beat(a, Joining(a));
        var elsewhere = new Consumer(Client("a", nodeId: 2), a.Id);
        Assert.Equal(ErrorCode.NotCoordinator, Error(Beat(elsewhere, Light(a, 1)).ErrorCode));

        Cluster.MoveGroupCoordinator(G, 2);

        Assert.Equal(ErrorCode.NotCoordinator, Error(Beat(a, Light(a, 1)).ErrorCode));
        var moved = Beat(elsewhere, Light(a, 1));
        Assert.Equal((ErrorCode.None, 1), (Error(moved.ErrorCode), moved.MemberEpoch));
    }

    [Fact]
    public void R7_a_pattern_subscribes_to_the_topics_it_matches_and_to_topics_created_later()
    {
        Cluster.CreateTopic("orders-eu", partitions: 2);
        Cluster.CreateTopic("payments", partitions: 1);
        var a = NewConsumer("a");
        var join = Joining(a);
        (join.SubscribedTopicNames, join.SubscribedTopicRegex) = (null, "orders-.*");

        var joined = Beat(a, join);
        Assert.Equal([0, 1], Assigned(joined, "orders-eu"));
        Assert.Single(joined.Assignment!.TopicPartitions);
        Assert.Equal("orders-.*", MemberOf(a).SubscribedTopicRegex);

        Cluster.CreateTopic("orders-us", partitions: 1);
        var next = Beat(a, Light(a, 1));
        Assert.Equal((2, 2), (next.MemberEpoch, ConsumerGroup.GroupEpoch));
        Assert.Equal([0], Assigned(next, "orders-us"));

        var bad = NewConsumer("b");
        var badJoin = Joining(bad);
        (badJoin.SubscribedTopicNames, badJoin.SubscribedTopicRegex) = (null, "orders-(");
        var refused = Beat(bad, badJoin);
        Assert.Equal(ErrorCode.InvalidRegularExpression, Error(refused.ErrorCode));
        Assert.StartsWith("SubscribedTopicRegex `orders-(` is not a valid regular expression", refused.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void R7_partitions_added_to_a_subscribed_topic_bump_the_group_epoch_and_are_assigned()
    {
        var a = NewConsumer("a");
        Beat(a, Joining(a));

        Cluster.AddPartitions("t", 2);
        var next = Beat(a, Light(a, 1));

        Assert.Equal((2, 2), (next.MemberEpoch, ConsumerGroup.GroupEpoch));
        Assert.Equal([0, 1, 2, 3, 4], Assigned(next));
    }

    [Fact]
    public void R7_members_asking_for_the_range_assignor_get_contiguous_ranges_in_member_id_order()
    {
        Cluster.AddPartitions("t", 2); // five partitions
        var a = NewConsumer("a");
        var b = NewConsumer("b");
        var joinA = Joining(a);
        joinA.ServerAssignor = "range";
        var joinB = Joining(b);
        joinB.ServerAssignor = "range";
        Beat(a, joinA);
        Beat(b, joinB);

        Assert.Equal("range", ConsumerGroup.AssignorName);
        Assert.Equal([0, 1, 2], MemberOf(a).Target.Select(p => p.Partition));
        Assert.Equal([3, 4], MemberOf(b).Target.Select(p => p.Partition));
    }

    [Fact]
    public void R7_the_uniform_assignor_spreads_partitions_evenly_with_no_overlap_and_no_gap()
    {
        Cluster.AddPartitions("t", 4); // seven partitions over three members
        var members = new[] { NewConsumer("a"), NewConsumer("b"), NewConsumer("c") };
        foreach (var m in members)
        {
            Beat(m, Joining(m));
        }

        var targets = ConsumerGroup.Members.Select(m => m.Target.Select(p => p.Partition).ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 7), targets.SelectMany(t => t).Order());
        Assert.Equal([2, 2, 3], targets.Select(t => t.Length).Order());
    }

    [Fact]
    public void R7_commits_and_offset_fetches_of_a_member_are_checked_against_its_member_epoch()
    {
        var (a, _) = TwoStableMembers(); // a at epoch 2

        Assert.Equal(ErrorCode.None, Commit(a.Id, 2, version: 9));
        Assert.Equal(10, Cluster.CommittedOffset(G, "t", 0)!.Offset);
        Assert.Equal(ErrorCode.StaleMemberEpoch, Commit(a.Id, 1, version: 9));
        Assert.Equal(ErrorCode.StaleMemberEpoch, Commit(a.Id, 3, version: 9));
        Assert.Equal(ErrorCode.UnknownMemberId, Commit("nobody", 2, version: 9));
        Assert.Equal(ErrorCode.UnsupportedVersion, Commit(a.Id, 2, version: 8));
        Assert.Equal(ErrorCode.UnknownMemberId, Commit("", -1, version: 9)); // standalone commits only while it is empty

        Assert.Equal(ErrorCode.None, FetchOffsets(a.Id, 2));
        Assert.Equal(ErrorCode.StaleMemberEpoch, FetchOffsets(a.Id, 1));
        Assert.Equal(ErrorCode.UnknownMemberId, FetchOffsets("nobody", 2));
        Assert.Equal(ErrorCode.None, FetchOffsets(null, -1)); // the admin client
    }

    [Fact]
    public void R7_a_classic_group_with_members_and_a_consumer_group_with_members_keep_to_their_protocol()
    {
        var classic = StableGroup(["c1"]);
        var a = NewConsumer("a");
        Assert.Equal(ErrorCode.GroupIdNotFound, Error(Beat(a, Joining(a)).ErrorCode));

        Ask(classic[0].Connection, new LeaveGroupRequest { GroupId = G, MemberId = classic[0].Id }, 0);
        Assert.Equal(ErrorCode.None, Error(Beat(a, Joining(a)).ErrorCode)); // an empty classic group gives way
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Error(Ask(classic[0].Connection, Join(), 5).ErrorCode));
    }

    [Fact]
    public void R7_ListGroups_ConsumerGroupDescribe_and_DeleteGroups_see_a_consumer_group()
    {
        var (a, b) = TwoStableMembers();

        var listed = Assert.Single(Ask(a.Connection, new ListGroupsRequest { TypesFilter = ["consumer"] }, 5).Groups);
        Assert.Equal((G, "consumer", "Stable", "consumer"), (listed.GroupId, listed.ProtocolType, listed.GroupState, listed.GroupType));
        Assert.Empty(Ask(a.Connection, new ListGroupsRequest { TypesFilter = ["classic"] }, 5).Groups);

        Cluster.SetCoordinator(CoordinatorType.Group, "nothing", 1);
        var described = Ask(a.Connection, new ConsumerGroupDescribeRequest { GroupIds = [G, "nothing"] }, 0).Groups;
        Assert.Equal((ErrorCode.None, "Stable", 2, 2, "uniform"), (Error(described[0].ErrorCode), described[0].GroupState, described[0].GroupEpoch, described[0].AssignmentEpoch, described[0].AssignorName));
        var bDescribed = described[0].Members.Single(m => m.MemberId == b.Id);
        Assert.Equal((2, "b", "t"), (bDescribed.MemberEpoch, bDescribed.ClientId, bDescribed.Assignment.TopicPartitions[0].TopicName));
        Assert.Equal([2], bDescribed.Assignment.TopicPartitions[0].Partitions);
        Assert.Equal(ErrorCode.GroupIdNotFound, Error(described[1].ErrorCode));

        var delete = new DeleteGroupsRequest { GroupsNames = [G] };
        Assert.Equal(ErrorCode.NonEmptyGroup, Error(Ask(a.Connection, delete, 2).Results[0].ErrorCode));
        Beat(a, Light(a, -1));
        Beat(b, Light(b, -1));
        Assert.Equal(ScriptedConsumerGroupState.Empty, ConsumerGroup.State);
        Assert.Equal(ErrorCode.None, Error(Ask(a.Connection, delete, 2).Results[0].ErrorCode));
        Assert.Null(Cluster.DescribeConsumerGroup(G));
    }

    private ErrorCode Commit(string memberId, int epoch, short version)
    {
        var commit = new OffsetCommitRequest
        {
            GroupId = G,
            GenerationIdOrMemberEpoch = epoch,
            MemberId = memberId,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 10 }] }],
        };
        return Error(Ask(Client("committer"), commit, version).Topics[0].Partitions[0].ErrorCode);
    }

    private ErrorCode FetchOffsets(string? memberId, int epoch)
    {
        var fetch = new OffsetFetchRequest { Groups = [new() { GroupId = G, MemberId = memberId, MemberEpoch = epoch, Topics = null }] };
        return Error(Ask(Client("fetcher"), fetch, 9).Groups[0].ErrorCode);
    }
}
