using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster's classic groups: JoinGroup and SyncGroup at the coordinator, in virtual time.</summary>
public sealed class ScriptedClusterGroupsJoinTests : ScriptedClusterGroupsTestBed
{
    [Fact]
    public void R5_Three_members_join_and_sync_and_each_gets_what_the_leader_assigned_it()
    {
        var connections = new[] { Client("a"), Client("b"), Client("c") };

        // v4+: the first join gets its member id back with MEMBER_ID_REQUIRED, numbered in arrival order.
        var required = connections.Select(c => Ask(c, Join(), 5)).ToArray();
        Assert.All(required, r => Assert.Equal(ErrorCode.MemberIdRequired, Error(r.ErrorCode)));
        Assert.Equal(["a-1", "b-2", "c-3"], required.Select(r => r.MemberId));
        Assert.Equal(ScriptedGroupState.Empty, Group.State);

        var joins = connections.Select((c, i) => Send(c, Join(required[i].MemberId, protocols: ("range", [(byte)(10 + i)])), 5)).ToArray();
        Settle(null, joins);
        var answers = joins.Select(j => Done(j)).ToArray();
        Assert.All(answers, a => Assert.Equal((ErrorCode.None, 1, "range", "a-1"), (Error(a.ErrorCode), a.GenerationId, a.ProtocolName, a.Leader)));

        // Only the leader gets the members, with their metadata for the chosen protocol.
        Assert.Equal(["a-1:10", "b-2:11", "c-3:12"], answers[0].Members.Select(m => $"{m.MemberId}:{m.Metadata[0]}"));
        Assert.Empty(answers[1].Members);
        Assert.Empty(answers[2].Members);
        Assert.Equal(ScriptedGroupState.CompletingRebalance, Group.State);

        // Followers wait for the leader's assignment.
        var members = answers.Select((a, i) => new Member(connections[i], a.MemberId, a.GenerationId, null)).ToArray();
        var followers = members.Skip(1).Select(m => Send(m.Connection, Sync(m), 3)).ToArray();
        AdvanceMs(5_000);
        Assert.All(followers, f => Assert.False(f.IsCompleted));
        Assert.True(Group.Members[1].AwaitingSync);

        var leader = Send(members[0].Connection, Sync(members[0], (members[0], [7]), (members[1], [8])), 3);
        Settle(null, [leader, .. followers]);
        Assert.Equal([7, 8], Done(leader).Assignment.Concat(Done(followers[0]).Assignment));
        Assert.Empty(Done(followers[1]).Assignment); // the leader gave c nothing: an empty assignment
        Assert.Equal(ScriptedGroupState.Stable, Group.State);
        Assert.Equal([[7], [8], []], Group.Members.Select(m => m.Assignment.ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Before_v4_a_new_member_joins_at_once_with_an_id_from_its_client_id(short version)
    {
        var answer = Ask(Client("solo"), Join(), version);

        Assert.Equal((ErrorCode.None, "solo-1", "solo-1", 1), (Error(answer.ErrorCode), answer.MemberId, answer.Leader, answer.GenerationId));
        Assert.Equal(version == 0 ? TimeSpan.FromMilliseconds(SessionMs) : TimeSpan.FromMilliseconds(RebalanceMs), Group.Members[0].RebalanceTimeout);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(9)]
    public void A_member_id_handed_out_with_MEMBER_ID_REQUIRED_is_forgotten_after_the_session_timeout(short version)
    {
        var connection = Client("late");
        var id = Ask(connection, Join(), version).MemberId;
        AdvanceMs(SessionMs);

        var answer = Ask(connection, Join(id), version);
        Assert.Equal(ErrorCode.UnknownMemberId, Error(answer.ErrorCode));
        Assert.Equal(version >= 7 ? null : "", answer.ProtocolName);
    }

    [Fact]
    public void The_protocol_is_the_one_most_members_prefer_among_those_all_support()
    {
        var connections = new[] { Client("a"), Client("b"), Client("c") };
        var joins = new[]
        {
            Send(connections[0], Join(protocols: [("range", [1]), ("roundrobin", [2]), ("sticky", [3])]), 3),
            Send(connections[1], Join(protocols: [("roundrobin", [4]), ("range", [5])]), 3),
            Send(connections[2], Join(protocols: [("sticky", [6]), ("roundrobin", [7]), ("range", [8])]), 3),
        };
        Settle(null, joins);

        // sticky is not b's; votes: a range, b roundrobin, c roundrobin.
        Assert.All(joins, j => Assert.Equal("roundrobin", Done(j).ProtocolName));
        Assert.Equal([2, 4, 7], Done(joins[0]).Members.Select(m => (int)m.Metadata[0]));
    }

    [Fact]
    public void A_member_of_another_protocol_type_or_with_no_common_protocol_is_INCONSISTENT_GROUP_PROTOCOL()
    {
        StableGroup(["a"]);

        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Error(Ask(Client("b"), Join(protocolType: "connect"), 3).ErrorCode));
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Error(Ask(Client("c"), Join(protocols: ("cooperative-sticky", [1])), 3).ErrorCode));
        Assert.Single(Group.Members);
    }

    [Fact]
    public void An_empty_group_needs_a_protocol_type_and_a_protocol()
    {
        var connection = Client("a");
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Error(Ask(connection, Join(protocolType: ""), 3).ErrorCode));
        var none = Join();
        none.Protocols.Clear();
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Error(Ask(connection, none, 3).ErrorCode));
    }

    [Fact]
    public void Bad_group_ids_session_timeouts_and_coordinators_are_refused_before_anything_else()
    {
        var connection = Client("a");
        Assert.Equal(ErrorCode.InvalidGroupId, Error(Ask(connection, WithGroup(Join(), ""), 5).ErrorCode));
        Assert.Equal(ErrorCode.InvalidSessionTimeout, Error(Ask(connection, Join(sessionMs: 5_999), 5).ErrorCode));
        Assert.Equal(ErrorCode.InvalidSessionTimeout, Error(Ask(connection, Join(sessionMs: 1_800_001), 5).ErrorCode));
        Cluster.GroupMinSessionTimeout = TimeSpan.FromSeconds(1);
        Assert.Equal(ErrorCode.MemberIdRequired, Error(Ask(connection, Join(sessionMs: 1_000), 5).ErrorCode));

        var elsewhere = Client("b", nodeId: 2);
        Assert.Equal(ErrorCode.NotCoordinator, Error(Ask(elsewhere, Join(), 5).ErrorCode));
        Assert.Equal(ErrorCode.NotCoordinator, Error(Ask(elsewhere, new SyncGroupRequest { GroupId = G, MemberId = "a-1" }, 3).ErrorCode));
        Assert.Equal(ErrorCode.NotCoordinator, Error(Ask(elsewhere, new HeartbeatRequest { GroupId = G, MemberId = "a-1" }, 3).ErrorCode));
        Assert.Equal(ErrorCode.NotCoordinator, Error(Ask(elsewhere, new LeaveGroupRequest { GroupId = G, MemberId = "a-1" }, 1).ErrorCode));
        Assert.Equal(ErrorCode.NotCoordinator, Error(Ask(elsewhere, new DescribeGroupsRequest { Groups = [G] }, 5).Groups[0].ErrorCode));
    }

    [Fact]
    public void A_join_naming_an_unknown_member_is_UNKNOWN_MEMBER_ID()
    {
        var connection = Client("a");
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(connection, Join("ghost"), 5).ErrorCode)); // no group yet
        StableGroup(["b"]);
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(connection, Join("ghost"), 5).ErrorCode));
    }

    [Fact]
    public void The_initial_rebalance_waits_the_delay_again_for_each_member_that_joins_in_it()
    {
        Cluster.GroupInitialRebalanceDelay = TimeSpan.FromSeconds(3);
        var (a, b) = (Client("a"), Client("b"));
        var start = Scheduler.Clock;
        var first = Send(a, Join(), 3);
        AdvanceMs(2_000);
        var second = Send(b, Join(), 3);

        // The first delay ends at 3 s with a member added: another 3 s.
        Scheduler.AdvanceTo(start + TimeSpan.FromMilliseconds(6_000).Ticks - 1);
        Assert.Equal(ScriptedGroupState.PreparingRebalance, Group.State);
        Scheduler.AdvanceTo(start + TimeSpan.FromMilliseconds(6_000).Ticks);
        Assert.Equal(ScriptedGroupState.CompletingRebalance, Group.State);
        Settle(null, first, second);
        Assert.Equal(2, Done(first).Members.Count);
    }

    [Fact]
    public void R5_the_rebalance_timeout_removes_a_member_that_did_not_rejoin()
    {
        var members = StableGroup(["a", "b"]);
        var rebalanceStart = Scheduler.Clock;

        // The leader joining again starts a rebalance; b does not rejoin.
        var rejoin = Send(members[0].Connection, Join(members[0].Id), 5);
        AdvanceMs(1);
        Assert.Equal(ScriptedGroupState.PreparingRebalance, Group.State);
        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(members[1].Connection, Beat(members[1]), 3).ErrorCode));

        // b stays alive (its heartbeats are answered REBALANCE_IN_PROGRESS) but never rejoins.
        for (var beat = 1; beat <= 3; beat++)
        {
            Scheduler.AdvanceTo(rebalanceStart + TimeSpan.FromMilliseconds(beat * 5_000).Ticks);
            Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(members[1].Connection, Beat(members[1]), 3).ErrorCode));
        }

        Scheduler.AdvanceTo(rebalanceStart + TimeSpan.FromMilliseconds(RebalanceMs).Ticks - 1);
        Assert.Equal(2, Group.Members.Count);
        Scheduler.AdvanceTo(rebalanceStart + TimeSpan.FromMilliseconds(RebalanceMs).Ticks);
        Assert.Equal(["a-1"], Group.Members.Select(m => m.MemberId));
        Assert.Equal((ScriptedGroupState.CompletingRebalance, 2), (Group.State, Group.GenerationId));
        Settle(null, rejoin);
        Assert.Equal(["a-1"], Done(rejoin).Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(members[1].Connection, Beat(members[1]), 3).ErrorCode));
    }

    [Fact]
    public void A_follower_rejoining_with_the_same_metadata_gets_the_current_generation_without_a_rebalance()
    {
        var members = StableGroup(["a", "b"]);

        var answer = Ask(members[1].Connection, Join(members[1].Id), 5);

        Assert.Equal((ErrorCode.None, 1, "a-1"), (Error(answer.ErrorCode), answer.GenerationId, answer.Leader));
        Assert.Equal(ScriptedGroupState.Stable, Group.State);
        Assert.Equal([1], Ask(members[1].Connection, Sync(members[1]), 3).Assignment);
    }

    [Fact]
    public void A_follower_rejoining_with_new_metadata_starts_a_rebalance()
    {
        var members = StableGroup(["a", "b"]);

        var rejoin = Send(members[1].Connection, Join(members[1].Id, protocols: ("range", [9])), 5);
        AdvanceMs(1);

        Assert.Equal(ScriptedGroupState.PreparingRebalance, Group.State);
        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(members[0].Connection, Beat(members[0]), 3).ErrorCode));
        var leader = Send(members[0].Connection, Join(members[0].Id), 5);
        Settle(null, rejoin, leader);
        Assert.Equal(2, Done(leader).GenerationId);
        Assert.Equal([1, 9], Done(leader).Members.Select(m => (int)m.Metadata[0]));
    }

    private static JoinGroupRequest WithGroup(JoinGroupRequest request, string groupId)
    {
        request.GroupId = groupId;
        return request;
    }
}
