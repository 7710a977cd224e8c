using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster's classic groups: SyncGroup's errors, commits checked against generations, pushed errors, in virtual time.</summary>
public sealed class ScriptedClusterGroupsSyncAndCommitTests : ScriptedClusterGroupsTestBed
{
    [Fact]
    public void SyncGroup_answers_unknown_members_old_generations_rebalances_and_other_protocols_with_errors()
    {
        var members = StableGroup(["a", "b"]);
        var b = members[1];

        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(b.Connection, Sync(b with { Id = "ghost" }), 3).ErrorCode));
        Assert.Equal(ErrorCode.IllegalGeneration, Error(Ask(b.Connection, Sync(b with { Generation = 0 }), 3).ErrorCode));
        var inconsistent = Sync(b);
        inconsistent.ProtocolName = "roundrobin";
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Error(Ask(b.Connection, inconsistent, 5).ErrorCode));
        inconsistent.ProtocolName = "range";
        inconsistent.ProtocolType = "connect";
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Error(Ask(b.Connection, inconsistent, 5).ErrorCode));

        // v5 with the right names is answered with them.
        inconsistent.ProtocolType = "consumer";
        var answer = Ask(b.Connection, inconsistent, 5);
        Assert.Equal((ErrorCode.None, "consumer", "range", (byte)1), (Error(answer.ErrorCode), answer.ProtocolType, answer.ProtocolName, answer.Assignment[0]));

        Cluster.RebalanceGroup(G);
        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(b.Connection, Sync(b), 3).ErrorCode));
        Cluster.SetCoordinator(CoordinatorType.Group, "never-joined", 1);
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(b.Connection, new SyncGroupRequest { GroupId = "never-joined", MemberId = "x" }, 3).ErrorCode));
    }

    [Fact]
    public void A_rebalance_while_followers_wait_for_the_leader_answers_them_REBALANCE_IN_PROGRESS()
    {
        var follower = Joined("a", "b")[1];
        var waiting = Send(follower.Connection, Sync(follower), 3);
        AdvanceMs(100);

        Cluster.RebalanceGroup(G);
        Settle(null, waiting);

        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Done(waiting).ErrorCode));
        Assert.Equal(ScriptedGroupState.PreparingRebalance, Group.State);
    }

    [Fact]
    public void A_member_that_never_syncs_within_the_rebalance_timeout_is_removed()
    {
        var joined = Joined("a", "b");
        var leader = joined[0];
        var synced = Send(leader.Connection, Sync(leader, (leader, [1])), 3);
        Settle(null, synced);

        // b got its join answer but never sends SyncGroup; both heartbeat, which does not help b.
        var b = joined[1];
        var start = Scheduler.Clock;
        for (var at = 5_000; at < RebalanceMs; at += 5_000)
        {
            Scheduler.AdvanceTo(start + TimeSpan.FromMilliseconds(at).Ticks);
            Assert.Equal(ErrorCode.None, Error(Ask(b.Connection, Beat(b), 3).ErrorCode));
            Assert.Equal(ErrorCode.None, Error(Ask(leader.Connection, Beat(leader), 3).ErrorCode));
        }

        Scheduler.AdvanceTo(start + TimeSpan.FromMilliseconds(RebalanceMs).Ticks);

        Assert.Equal(["a-1"], Group.Members.Select(m => m.MemberId));
        Assert.Equal(ScriptedGroupState.PreparingRebalance, Group.State);
    }

    [Fact]
    public void R5_commits_are_checked_against_the_members_and_generation_of_the_group()
    {
        var members = StableGroup(["a", "b"], [null, "static-b"]);
        var (a, b) = (members[0], members[1]);

        Assert.Equal(ErrorCode.None, CommitAs(a, 7));
        Assert.Equal(ErrorCode.IllegalGeneration, CommitAs(a with { Generation = 0 }, 7));
        Assert.Equal(ErrorCode.UnknownMemberId, CommitAs(a with { Id = "ghost" }, 7));
        Assert.Equal(ErrorCode.UnknownMemberId, CommitAs(new Member(a.Connection, "", -1, null), 7)); // standalone, group not empty
        Assert.Equal(ErrorCode.UnknownMemberId, CommitAs(new Member(a.Connection, "", -1, null), 0)); // v0 has no member: the same
        Assert.Equal(ErrorCode.FencedInstanceId, CommitAs(b with { Id = "static-b-0" }, 7));
        Assert.Equal(10, Cluster.CommittedOffset(G, "t", 0)!.Offset);

        // Completing a rebalance: members with the new generation must wait for their assignment.
        var rejoins = new[] { Send(a.Connection, Join(a.Id), 5), Send(b.Connection, Join(b.Id, "static-b"), 5) };
        Settle(null, rejoins);
        Assert.Equal(ErrorCode.RebalanceInProgress, CommitAs(a with { Generation = 2 }, 7));
        Assert.Equal(ErrorCode.IllegalGeneration, CommitAs(a, 7));

        // Once everyone left, standalone commits are accepted again.
        Ask(a.Connection, new LeaveGroupRequest { GroupId = G, Members = [new() { MemberId = a.Id }, new() { MemberId = b.Id, GroupInstanceId = "static-b" }] }, 3);
        Assert.Equal(ScriptedGroupState.Empty, Group.State);
        Assert.Equal(ErrorCode.None, CommitAs(new Member(a.Connection, "", -1, null), 8));
    }

    [Fact]
    public void A_standalone_commit_creates_an_empty_group_that_members_can_then_join()
    {
        var connection = Client("admin");
        Assert.Equal(ErrorCode.None, CommitAs(new Member(connection, "", -1, null), 8));
        Assert.Equal((ScriptedGroupState.Empty, null), (Group.State, Group.ProtocolType));

        var join = Ask(Client("a"), Join(), 3);
        Assert.Equal((ErrorCode.None, 1), (Error(join.ErrorCode), join.GenerationId));
    }

    [Fact]
    public void Pushed_errors_answer_the_group_apis_and_change_nothing()
    {
        var connection = Client("a");
        Cluster.PushRequestErrors(ApiKey.JoinGroup, ErrorCode.CoordinatorLoadInProgress);
        Cluster.PushRequestErrors(ApiKey.DescribeGroups, ErrorCode.GroupAuthorizationFailed);
        Cluster.PushRequestErrors(ApiKey.ListGroups, ErrorCode.CoordinatorNotAvailable);

        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, Error(Ask(connection, Join(), 5).ErrorCode));
        Assert.Null(Cluster.DescribeGroup(G));
        Assert.Equal([ErrorCode.GroupAuthorizationFailed, ErrorCode.GroupAuthorizationFailed], Ask(connection, new DescribeGroupsRequest { Groups = [G, "h"] }, 5).Groups.Select(g => Error(g.ErrorCode)));
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, Error(Ask(connection, new ListGroupsRequest(), 4).ErrorCode));
        Assert.Equal(ErrorCode.MemberIdRequired, Error(Ask(connection, Join(), 5).ErrorCode));
    }

    // Members that joined generation 1 together (JoinGroup v3) and have not synced.
    private Member[] Joined(params string[] clientIds)
    {
        var connections = clientIds.Select(c => Client(c)).ToArray();
        var joins = connections.Select(c => Send(c, Join(), 3)).ToArray();
        Settle(null, joins);
        return joins.Select((j, i) => new Member(connections[i], Done(j).MemberId, Done(j).GenerationId, null)).ToArray();
    }

    private ErrorCode CommitAs(Member member, short version)
    {
        var commit = new OffsetCommitRequest
        {
            GroupId = G,
            GenerationIdOrMemberEpoch = member.Generation,
            MemberId = member.Id,
            GroupInstanceId = member.InstanceId,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 10 }] }],
        };
        return Error(Ask(member.Connection, commit, version).Topics[0].Partitions[0].ErrorCode);
    }
}
