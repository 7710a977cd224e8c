using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>
/// The scripted cluster's KIP-848 groups (ConsumerGroupHeartbeat, R7), in virtual time: joining, the
/// revoke-before-assign reconciliation, epochs, leaving, static members, and the session and rebalance timeouts.
/// </summary>
public sealed class ScriptedClusterConsumerGroupsTests : ScriptedClusterConsumerGroupsTestBed
{
    [Fact]
    public void R7_a_member_joining_alone_gets_every_partition_at_group_epoch_1()
    {
        var a = NewConsumer("a");

        var answer = Beat(a, Joining(a));

        Assert.Equal((ErrorCode.None, "a-member-id", 1, 5000), (Error(answer.ErrorCode), answer.MemberId, answer.MemberEpoch, answer.HeartbeatIntervalMs));
        Assert.Equal([0, 1, 2], Assigned(answer));
        var group = ConsumerGroup;
        Assert.Equal((ScriptedConsumerGroupState.Stable, 1, 1, "uniform"), (group.State, group.GroupEpoch, group.AssignmentEpoch, group.AssignorName));
        Assert.Equal(("a", ScriptedConsumerMemberState.Stable, 3), (MemberOf(a).ClientId, MemberOf(a).State, MemberOf(a).Assigned.Count));

        // Nothing changed: a light heartbeat gets no assignment.
        var next = Beat(a, Light(a, 1));
        Assert.Equal((1, null), (next.MemberEpoch, next.Assignment));
    }

    [Fact]
    public void R7_a_second_member_gets_its_partition_only_after_the_first_stops_owning_it()
    {
        var a = NewConsumer("a");
        var b = NewConsumer("b");
        Beat(a, Joining(a));

        var bJoined = Beat(b, Joining(b));
        Assert.Equal((2, 2), (bJoined.MemberEpoch, ConsumerGroup.GroupEpoch));
        Assert.Equal([], Assigned(bJoined)); // partition 2 is its target but a still owns it
        Assert.Equal(ScriptedConsumerMemberState.UnreleasedPartitions, MemberOf(b).State);

        var aTold = Beat(a, Light(a, 1));
        Assert.Equal(1, aTold.MemberEpoch);
        Assert.Equal([0, 1], Assigned(aTold)); // revoke 2, stay at epoch 1
        Assert.Equal((ScriptedConsumerMemberState.UnrevokedPartitions, "t", 2), (MemberOf(a).State, MemberOf(a).PendingRevocation[0].Topic, MemberOf(a).PendingRevocation[0].Partition));

        // a still lists partition 2: b gets nothing yet, however often it asks.
        Assert.Equal((1, null), (BeatOwning(a, 1, 0, 1, 2).MemberEpoch, BeatOwning(a, 1, 0, 1, 2).Assignment));
        Assert.Null(Beat(b, Light(b, 2)).Assignment);
        Assert.Empty(MemberOf(b).Assigned);

        // a's heartbeat no longer lists it: a moves to epoch 2, and b's next heartbeat gets partition 2.
        var aRevoked = BeatOwning(a, 1, 0, 1);
        Assert.Equal((2, null), (aRevoked.MemberEpoch, aRevoked.Assignment));
        var bGets = Beat(b, Light(b, 2));
        Assert.Equal(2, bGets.MemberEpoch);
        Assert.Equal([2], Assigned(bGets));
        Assert.Equal(ScriptedConsumerGroupState.Stable, ConsumerGroup.State);
    }

    [Fact]
    public void R7_leaving_with_epoch_minus_1_frees_the_partitions_and_bumps_the_group_epoch()
    {
        var (a, b) = TwoStableMembers();

        var left = Beat(b, Light(b, -1));

        Assert.Equal((ErrorCode.None, b.Id, -1), (Error(left.ErrorCode), left.MemberId, left.MemberEpoch));
        Assert.Equal((3, 1), (ConsumerGroup.GroupEpoch, ConsumerGroup.Members.Count));
        var aGets = Beat(a, Light(a, 2));
        Assert.Equal(3, aGets.MemberEpoch);
        Assert.Equal([0, 1, 2], Assigned(aGets));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Beat(b, Light(b, 2)).ErrorCode));
    }

    [Fact]
    public void R7_a_static_member_leaving_with_minus_2_and_rejoining_within_its_session_takes_its_partitions_back_without_a_rebalance()
    {
        var (a, b) = TwoStableMembers(instanceOfB: "b-instance");

        var left = Beat(b, Light(b, -2));
        Assert.Equal((b.Id, -2), (left.MemberId, left.MemberEpoch));
        Assert.Equal((2, -2, "t", 2), (ConsumerGroup.GroupEpoch, MemberOf(b).MemberEpoch, MemberOf(b).Assigned.Single().Topic, MemberOf(b).Assigned.Single().Partition));

        // The other member sees nothing: same epoch, no new assignment; partition 2 is still b's.
        AdvanceMs(30_000);
        var aBeat = Beat(a, Light(a, 2));
        Assert.Equal((2, null), (aBeat.MemberEpoch, aBeat.Assignment));

        // Back under a new member id (a restarted process), within the 45 s session: the same partition, the same epoch.
        var restarted = b with { Id = "b-restarted" };
        var back = Beat(restarted, Joining(restarted));
        Assert.Equal((ErrorCode.None, 2), (Error(back.ErrorCode), back.MemberEpoch));
        Assert.Equal([2], Assigned(back));
        Assert.Equal((2, ScriptedConsumerGroupState.Stable), (ConsumerGroup.GroupEpoch, ConsumerGroup.State));
        Assert.Equal(["a-member-id", "b-restarted"], ConsumerGroup.Members.Select(m => m.MemberId).Order(StringComparer.Ordinal));
        Assert.Equal(ErrorCode.FencedInstanceId, Error(Beat(b, Light(b, 2)).ErrorCode));

        // The instance is held by a live member now: another join with it is refused.
        var impostor = NewConsumer("c", "b-instance");
        var refused = Beat(impostor, Joining(impostor));
        Assert.Equal(ErrorCode.UnreleasedInstanceId, Error(refused.ErrorCode));
        Assert.Contains("b-instance", refused.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void R7_a_static_member_not_back_within_its_session_is_fenced_and_its_partitions_go_to_the_others()
    {
        var (a, b) = TwoStableMembers(instanceOfB: "b-instance");
        var lastBeat = Scheduler.Clock - 1; // b's last heartbeat arrived one tick before its answer
        Beat(b, Light(b, -2));
        AdvanceMs(20_000);
        Beat(a, Light(a, 2)); // a stays alive

        Scheduler.AdvanceTo(lastBeat + ScriptedCluster.DefaultConsumerGroupSessionTimeout.Ticks - 1);
        Assert.Equal(2, ConsumerGroup.Members.Count);
        Scheduler.AdvanceTo(lastBeat + ScriptedCluster.DefaultConsumerGroupSessionTimeout.Ticks);

        Assert.Equal((1, 3), (ConsumerGroup.Members.Count, ConsumerGroup.GroupEpoch));
        Assert.Equal(ErrorCode.FencedMemberEpoch, Error(Beat(a, Light(a, 3)).ErrorCode)); // a was never told of epoch 3
        var aGets = Beat(a, Light(a, 2));
        Assert.Equal(3, aGets.MemberEpoch);
        Assert.Equal([0, 1, 2], Assigned(aGets));
    }

    [Fact]
    public void R7_a_silent_member_is_fenced_exactly_one_session_timeout_after_its_last_heartbeat()
    {
        Cluster.ConsumerGroupSessionTimeout = TimeSpan.FromSeconds(10);
        var (a, b) = TwoStableMembers();
        var lastBeat = Scheduler.Clock - 1; // b's last heartbeat arrived one tick before its answer
        Scheduler.AdvanceTo(lastBeat + TimeSpan.FromSeconds(5).Ticks);
        Beat(a, Light(a, 2));

        Scheduler.AdvanceTo(lastBeat + TimeSpan.FromSeconds(10).Ticks - 1);
        Assert.Equal((2, 2), (ConsumerGroup.Members.Count, ConsumerGroup.GroupEpoch));
        Scheduler.AdvanceTo(lastBeat + TimeSpan.FromSeconds(10).Ticks);

        Assert.Equal((1, 3), (ConsumerGroup.Members.Count, ConsumerGroup.GroupEpoch));
        var bLate = Beat(b, Light(b, 2));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(bLate.ErrorCode));
        Assert.Contains(b.Id, bLate.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2], Assigned(Beat(a, Light(a, 2))));
    }

    [Fact]
    public void R7_a_member_that_does_not_revoke_within_its_rebalance_timeout_is_fenced()
    {
        var a = NewConsumer("a");
        var b = NewConsumer("b");
        Beat(a, Joining(a));
        Beat(b, Joining(b));
        Beat(a, Light(a, 1)); // told to revoke partition 2
        var told = Scheduler.Clock - 1; // when the heartbeat arrived

        // a keeps heartbeating but keeps owning partition 2.
        Scheduler.AdvanceTo(told + TimeSpan.FromMilliseconds(RebalanceMs / 2).Ticks);
        BeatOwning(a, 1, 0, 1, 2);
        Scheduler.AdvanceTo(told + TimeSpan.FromMilliseconds(RebalanceMs).Ticks - 1);
        Assert.Equal(2, ConsumerGroup.Members.Count);
        Scheduler.AdvanceTo(told + TimeSpan.FromMilliseconds(RebalanceMs).Ticks);

        Assert.Equal((1, 3), (ConsumerGroup.Members.Count, ConsumerGroup.GroupEpoch));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(BeatOwning(a, 1, 0, 1, 2).ErrorCode));
        var bGets = Beat(b, Light(b, 2));
        Assert.Equal(3, bGets.MemberEpoch);
        Assert.Equal([0, 1, 2], Assigned(bGets));
    }

    [Fact]
    public void R7_an_epoch_neither_current_nor_the_previous_one_with_matching_partitions_is_fenced()
    {
        var (a, _) = TwoStableMembers(); // a went from epoch 1 to 2 owning 0 and 1

        var ahead = Beat(a, Light(a, 3));
        Assert.Equal(ErrorCode.FencedMemberEpoch, Error(ahead.ErrorCode));
        Assert.Contains("greater member epoch (3)", ahead.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.FencedMemberEpoch, Error(Beat(a, Light(a, 1)).ErrorCode)); // previous epoch, owned not said
        Assert.Equal(ErrorCode.FencedMemberEpoch, Error(BeatOwning(a, 1, 0, 1, 2).ErrorCode)); // previous epoch, owns more
        Assert.Equal(ErrorCode.FencedMemberEpoch, Error(Beat(a, Joining(a)).ErrorCode)); // a rejoin under a live member id

        // The previous epoch with partitions it still has: the answer that moved it on may have been lost.
        var retry = BeatOwning(a, 1, 0, 1);
        Assert.Equal((ErrorCode.None, 2), (Error(retry.ErrorCode), retry.MemberEpoch));
    }

    [Fact]
    public void R7_v0_members_get_their_id_from_the_coordinator_and_v1_members_must_name_themselves()
    {
        var a = NewConsumer("a") with { Id = "" };

        var v0 = Beat(a, Joining(a), version: 0);
        Assert.Equal((ErrorCode.None, 22, 1), (Error(v0.ErrorCode), v0.MemberId!.Length, v0.MemberEpoch));
        Assert.Equal(v0.MemberId, Assert.Single(ConsumerGroup.Members).MemberId);

        var v1 = Beat(a, Joining(a), version: 1);
        Assert.Equal((ErrorCode.InvalidRequest, "MemberId can't be empty."), (Error(v1.ErrorCode), v1.ErrorMessage));
        Assert.Single(ConsumerGroup.Members);
    }

    [Fact]
    public void R7_unknown_members_and_groups_are_refused()
    {
        var a = NewConsumer("a");
        Assert.Equal(ErrorCode.GroupIdNotFound, Error(Beat(a, Light(a, 1)).ErrorCode));
        Beat(a, Joining(a));

        var stranger = NewConsumer("x");
        var unknown = Beat(stranger, Light(stranger, 1));
        Assert.Equal((ErrorCode.UnknownMemberId, "Member x-member-id is not a member of group g."), (Error(unknown.ErrorCode), unknown.ErrorMessage));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Beat(stranger, Light(stranger, -1)).ErrorCode));
        Assert.Equal(ErrorCode.UnknownMemberId, Error(Beat(stranger with { InstanceId = "nobody" }, Light(stranger with { InstanceId = "nobody" }, -2)).ErrorCode));
    }

    [Fact]
    public void ExpireMember_fences_a_KIP_848_member_at_once()
    {
        var (a, b) = TwoStableMembers();

        Cluster.ExpireMember(G, b.Id);

        Assert.Equal((1, 3), (ConsumerGroup.Members.Count, ConsumerGroup.GroupEpoch));
        Assert.Equal([0, 1, 2], Assigned(Beat(a, Light(a, 2))));
        Assert.Throws<ArgumentException>(() => Cluster.ExpireMember(G, b.Id));
    }
}
