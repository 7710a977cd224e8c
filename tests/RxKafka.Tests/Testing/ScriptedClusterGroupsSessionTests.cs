using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster's classic groups: sessions, heartbeats, leaving and static membership (KIP-345), in virtual time.</summary>
public sealed class ScriptedClusterGroupsSessionTests : ScriptedClusterGroupsTestBed
{
    [Fact]
    public void R5_A_member_that_stops_heartbeating_is_removed_exactly_one_session_timeout_after_its_last_heartbeat()
    {
        var members = StableGroup(["a", "b"]);
        var lastBeat = Scheduler.Clock;
        Ask(members[1].Connection, Beat(members[1]), 3);

        // a keeps heartbeating; b goes quiet.
        Scheduler.AdvanceTo(lastBeat + TimeSpan.FromMilliseconds(SessionMs / 2).Ticks);
        Assert.Equal(ErrorCode.None, Error(Ask(members[0].Connection, Beat(members[0]), 3).ErrorCode));
        Scheduler.AdvanceTo(lastBeat + TimeSpan.FromMilliseconds(SessionMs).Ticks - 1);
        Assert.Equal((ScriptedGroupState.Stable, 2), (Group.State, Group.Members.Count));

        Scheduler.AdvanceTo(lastBeat + TimeSpan.FromMilliseconds(SessionMs).Ticks);
        Assert.Equal((ScriptedGroupState.PreparingRebalance, 1), (Group.State, Group.Members.Count));
        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(members[0].Connection, Beat(members[0]), 3).ErrorCode));
        var rejoin = Ask(members[0].Connection, Join(members[0].Id), 5);
        Assert.Equal((2, 1), (rejoin.GenerationId, rejoin.Members.Count));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(members[1].Connection, Beat(members[1]), 3).ErrorCode));
    }

    [Fact]
    public void Heartbeats_are_checked_against_the_member_and_generation()
    {
        var members = StableGroup(["a", "b"]);

        Assert.Equal(ErrorCode.None, Error(Ask(members[1].Connection, Beat(members[1]), 4).ErrorCode));
        Assert.Equal(ErrorCode.IllegalGeneration, Error(Ask(members[1].Connection, Beat(members[1], generation: 0), 4).ErrorCode));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(members[1].Connection, Beat(members[1] with { Id = "nobody" }), 4).ErrorCode));
        Cluster.SetCoordinator(RxKafka.Cluster.CoordinatorType.Group, "no-such-group", 1);
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(members[1].Connection, new HeartbeatRequest { GroupId = "no-such-group", MemberId = "x" }, 0).ErrorCode));
        Cluster.RebalanceGroup(G);
        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(members[1].Connection, Beat(members[1]), 0).ErrorCode));
    }

    [Fact]
    public void ExpireMember_removes_a_member_at_once_and_the_group_rebalances()
    {
        var members = StableGroup(["a", "b", "c"]);

        Cluster.ExpireMember(G, members[0].Id);

        Assert.Equal((ScriptedGroupState.PreparingRebalance, "b-2"), (Group.State, Group.LeaderId));
        Assert.Throws<ArgumentException>(() => Cluster.ExpireMember(G, "nobody"));
        Assert.Throws<ArgumentException>(() => Cluster.ExpireMember("nowhere", "b-2"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void LeaveGroup_before_v3_removes_one_member_by_id(short version)
    {
        var members = StableGroup(["a", "b"]);

        Assert.Equal(ErrorCode.None, Error(Ask(members[1].Connection, new LeaveGroupRequest { GroupId = G, MemberId = members[1].Id }, version).ErrorCode));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Ask(members[1].Connection, new LeaveGroupRequest { GroupId = G, MemberId = members[1].Id }, version).ErrorCode));
        Assert.Equal((ScriptedGroupState.PreparingRebalance, 1), (Group.State, Group.Members.Count));
    }

    [Fact]
    public void LeaveGroup_v3_removes_a_batch_and_answers_each_member_and_the_last_leaving_empties_the_group()
    {
        var members = StableGroup(["a", "b"], ["static-a", null]);

        var answer = Ask(members[1].Connection, new LeaveGroupRequest
        {
            GroupId = G,
            Members =
            [
                new() { MemberId = "", GroupInstanceId = "static-a" }, // a static member by its instance id alone
                new() { MemberId = members[1].Id },
                new() { MemberId = "ghost" },
            ],
        }, 5);

        Assert.Equal(["static-a:None", "b-1:None", "ghost:UnknownMemberId"], answer.Members.Select(m => $"{m.GroupInstanceId ?? m.MemberId}:{Error(m.ErrorCode)}"));
        Assert.Equal((ScriptedGroupState.Empty, 2, 0), (Group.State, Group.GenerationId, Group.Members.Count));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    public void R6_A_static_member_restarting_within_its_session_timeout_gets_its_assignment_back_without_a_rebalance(short version)
    {
        var members = StableGroup(["a", "b"], ["static-a", "static-b"]);
        AdvanceMs(SessionMs / 2);

        // b restarts: a new process, no member id, the same instance id and metadata.
        var restarted = Client("b");
        var join = Ask(restarted, Join(instanceId: "static-b"), version);

        Assert.Equal((ErrorCode.None, 1, "static-a-1", "static-b-3"), (Error(join.ErrorCode), join.GenerationId, join.Leader, join.MemberId));
        Assert.Empty(join.Members);
        var b = new Member(restarted, join.MemberId, 1, "static-b");
        Assert.Equal([1], Ask(restarted, Sync(b), 3).Assignment);
        Assert.Equal((ScriptedGroupState.Stable, 1), (Group.State, Group.GenerationId));
        Assert.Equal(ErrorCode.None, Error(Ask(members[0].Connection, Beat(members[0]), 3).ErrorCode)); // a sees no rebalance

        // The old process's member id is fenced.
        Assert.Equal(ErrorCode.FencedInstanceId, Error(Ask(members[1].Connection, Beat(members[1]), 3).ErrorCode));
        Assert.Equal(ErrorCode.FencedInstanceId, Error(Ask(members[1].Connection, Sync(members[1]), 3).ErrorCode));
        Assert.Equal(ErrorCode.FencedInstanceId, Error(Ask(members[1].Connection, Join(members[1].Id, "static-b"), 5).ErrorCode));
    }

    [Fact]
    public void R6_A_static_leader_restarting_learns_it_leads_with_skip_assignment_from_v9_and_the_old_leader_id_before()
    {
        StableGroup(["a", "b"], ["static-a", "static-b"]);

        var before9 = Ask(Client("a"), Join(instanceId: "static-a"), 8);
        Assert.Equal(("static-a-1", "static-a-3", false), (before9.Leader, before9.MemberId, before9.SkipAssignment));
        Assert.Empty(before9.Members);

        var v9 = Ask(Client("a"), Join(instanceId: "static-a"), 9);
        Assert.Equal(("static-a-4", "static-a-4", true), (v9.Leader, v9.MemberId, v9.SkipAssignment));
        Assert.Equal(["static-a-4", "static-b-2"], v9.Members.Select(m => m.MemberId));
        Assert.Equal((ScriptedGroupState.Stable, 1, "static-a-4"), (Group.State, Group.GenerationId, Group.LeaderId));
    }

    [Fact]
    public void R6_A_static_member_gone_past_its_session_timeout_is_removed_and_the_group_rebalances()
    {
        var members = StableGroup(["a", "b"], ["static-a", "static-b"]);
        var synced = Scheduler.Clock;

        // a heartbeats; b is down. Until its session ends nothing changes, then it is gone.
        for (var at = 3_000; at < SessionMs; at += 3_000)
        {
            Scheduler.AdvanceTo(synced + TimeSpan.FromMilliseconds(at).Ticks);
            Assert.Equal(ErrorCode.None, Error(Ask(members[0].Connection, Beat(members[0]), 3).ErrorCode));
        }

        Assert.Equal((ScriptedGroupState.Stable, 2), (Group.State, Group.Members.Count));
        Scheduler.AdvanceTo(synced + TimeSpan.FromMilliseconds(SessionMs + 1).Ticks);
        Assert.Equal(["static-a-1"], Group.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(members[0].Connection, Beat(members[0]), 3).ErrorCode));

        // b coming back now is a new member of a rebalance.
        var back = Send(Client("b"), Join(instanceId: "static-b"), 5);
        var a = Send(members[0].Connection, Join(members[0].Id, "static-a"), 5);
        Settle(null, back, a);
        Assert.Equal((2, 2), (Done(a).GenerationId, Done(a).Members.Count));
    }

    [Fact]
    public void A_static_member_that_does_not_rejoin_a_rebalance_stays_until_its_session_ends()
    {
        var members = StableGroup(["a", "b"], ["static-a", "static-b"]);

        var start = Scheduler.Clock;
        var rejoin = Send(members[0].Connection, Join(members[0].Id, "static-a"), 5);

        // b is alive (it heartbeats) but does not rejoin.
        for (var at = 5_000; at < RebalanceMs; at += 5_000)
        {
            Scheduler.AdvanceTo(start + TimeSpan.FromMilliseconds(at).Ticks);
            Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(members[1].Connection, Beat(members[1]), 3).ErrorCode));
        }

        Scheduler.AdvanceTo(start + TimeSpan.FromMilliseconds(RebalanceMs).Ticks + 1);

        // Unlike a dynamic member, b is still a member of generation 2, without having joined it.
        Assert.Equal((ScriptedGroupState.CompletingRebalance, 2), (Group.State, Group.GenerationId));
        Assert.Equal(["static-a-1", "static-b-2"], Done(rejoin).Members.Select(m => m.MemberId));
    }

    [Fact]
    public void R6_A_static_member_rejoining_while_the_group_completes_a_rebalance_starts_another()
    {
        var members = StableGroup(["a", "b"], ["static-a", "static-b"]);
        var rejoins = new[] { Send(members[0].Connection, Join(members[0].Id, "static-a"), 5), Send(members[1].Connection, Join(members[1].Id, "static-b"), 5) };
        Settle(null, rejoins);
        Assert.Equal(ScriptedGroupState.CompletingRebalance, Group.State);

        var restarted = Send(Client("b"), Join(instanceId: "static-b"), 5);
        AdvanceMs(1);

        Assert.Equal(ScriptedGroupState.PreparingRebalance, Group.State);
        Assert.False(restarted.IsCompleted);
    }
}
