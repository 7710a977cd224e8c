using RxKafka.Consumer.Assignment;
using static RxKafka.Tests.Consumer.Assignment.AssignorTestData;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>
/// The sticky assignors on examples: what stays put, how claims of different generations are resolved, what the
/// cooperative one leaves out for a round, and the user data each writes and reads.
/// </summary>
public sealed class StickyAssignorTests
{
    private static readonly StickyAssignor Sticky = new();
    private static readonly CooperativeStickyAssignor Cooperative = new();

    [Fact]
    public void R5_sticky_keeps_what_members_had_when_a_member_joins_and_moves_only_what_the_newcomer_needs()
    {
        // a had t0-t2, b had t3-t5; c joins: it needs two, one from each.
        var members = Members(
            HadSticky("a", 4, [P("t", 0), P("t", 1), P("t", 2)], "t"),
            HadSticky("b", 4, [P("t", 3), P("t", 4), P("t", 5)], "t"),
            MemberSubscription.Of("c", "t"));

        var result = Sticky.Assign(Topics(("t", 6)), members);

        Assert.Equal(2, result["a"].Partitions.Count);
        Assert.Equal(2, result["b"].Partitions.Count);
        Assert.Equal(2, result["c"].Partitions.Count);
        Assert.Subset(new HashSet<TopicPartition> { P("t", 0), P("t", 1), P("t", 2) }, result["a"].Partitions.ToHashSet());
        Assert.Subset(new HashSet<TopicPartition> { P("t", 3), P("t", 4), P("t", 5) }, result["b"].Partitions.ToHashSet());
    }

    [Fact]
    public void R5_sticky_gives_a_leaving_members_partitions_to_the_others_and_moves_nothing_else()
    {
        var members = Members(
            HadSticky("a", 2, [P("t", 0), P("t", 1)], "t"),
            HadSticky("b", 2, [P("t", 2), P("t", 3)], "t"));

        // c had t4 and t5 and left.
        var result = Sticky.Assign(Topics(("t", 6)), members);

        Assert.Equal(3, result["a"].Partitions.Count);
        Assert.Equal(3, result["b"].Partitions.Count);
        Assert.Contains(P("t", 0), result["a"].Partitions);
        Assert.Contains(P("t", 1), result["a"].Partitions);
        Assert.Contains(P("t", 2), result["b"].Partitions);
        Assert.Contains(P("t", 3), result["b"].Partitions);
    }

    [Fact]
    public void R5_a_claim_of_a_newer_generation_wins_over_an_older_one()
    {
        // b is a zombie of generation 3 still claiming t0; a got it in generation 5.
        var members = Members(
            Owning("a", 5, [P("t", 0)], "t"),
            Owning("b", 3, [P("t", 0), P("t", 1)], "t"));

        var result = Cooperative.Assign(Topics(("t", 2)), members);

        Assert.Equal([P("t", 0)], result["a"].Partitions);
        Assert.Equal([P("t", 1)], result["b"].Partitions);
    }

    [Fact]
    public void R5_a_partition_two_members_claim_in_one_generation_is_owned_by_neither()
    {
        // Both say they own t0 in generation 5: cooperative leaves it out until both have revoked it.
        var members = Members(
            Owning("a", 5, [P("t", 0), P("t", 1)], "t"),
            Owning("b", 5, [P("t", 0), P("t", 2)], "t"));

        var result = Cooperative.Assign(Topics(("t", 4)), members);

        Assert.DoesNotContain(P("t", 0), result["a"].Partitions);
        Assert.DoesNotContain(P("t", 0), result["b"].Partitions);
        Assert.Contains(P("t", 1), result["a"].Partitions);
        Assert.Contains(P("t", 2), result["b"].Partitions);
        Assert.Contains(P("t", 3), result["a"].Partitions.Concat(result["b"].Partitions));
    }

    [Fact]
    public void R5_cooperative_sticky_only_revokes_a_moving_partition_and_assigns_it_the_round_after()
    {
        var topics = Topics(("t", 4));

        // Round 1: a owns all four, b joins. Two must move to b: they are taken from a and given to nobody.
        var first = Cooperative.Assign(topics, Members(Owning("a", 1, [P("t", 0), P("t", 1), P("t", 2), P("t", 3)], "t"), Owning("b", -1, [], "t")));

        Assert.Equal(2, first["a"].Partitions.Count);
        Assert.Empty(first["b"].Partitions);
        var revoked = AssignmentChange.Between([P("t", 0), P("t", 1), P("t", 2), P("t", 3)], first["a"].Partitions);
        Assert.True(revoked.MustRejoin);
        Assert.Equal(2, revoked.Revoked.Count);

        // Round 2: a rejoins owning its two; b gets the revoked two.
        var second = Cooperative.Assign(topics, Members(Owning("a", 2, first["a"].Partitions, "t"), Owning("b", 2, [], "t")));

        Assert.Equal(first["a"].Partitions, second["a"].Partitions);
        Assert.Equal(revoked.Revoked, second["b"].Partitions);
    }

    [Fact]
    public void R5_cooperative_sticky_reads_the_generation_from_user_data_when_the_subscription_has_none()
    {
        // Version 0/1 subscriptions: b's four bytes of user data say generation 9, beating a's 4 (also from user data).
        var a = MemberSubscription.Of("a", "t") with { OwnedPartitions = [P("t", 0)], UserData = StickyUserData.WriteGeneration(4) };
        var b = MemberSubscription.Of("b", "t") with { OwnedPartitions = [P("t", 0)], UserData = StickyUserData.WriteGeneration(9) };

        var result = Cooperative.Assign(Topics(("t", 2)), Members(a, b));

        Assert.Equal([P("t", 0)], result["b"].Partitions);
        Assert.Equal([P("t", 1)], result["a"].Partitions);
    }

    [Fact]
    public void R5_cooperative_sticky_reads_librdkafkas_sticky_user_data_for_the_generation()
    {
        var a = MemberSubscription.Of("a", "t") with { OwnedPartitions = [P("t", 0)], UserData = StickyUserData.WritePreviousAssignment([P("t", 0)], 4) };
        var b = MemberSubscription.Of("b", "t") with { OwnedPartitions = [P("t", 0)], UserData = StickyUserData.WritePreviousAssignment([P("t", 0)], 6) };

        var result = Cooperative.Assign(Topics(("t", 2)), Members(a, b));

        Assert.Equal([P("t", 0)], result["b"].Partitions);
    }

    [Fact]
    public void Eager_sticky_reads_what_members_had_from_user_data_not_from_owned_partitions()
    {
        // Eager members own nothing as they join; an owned list here is ignored, the user data is not.
        var a = HadSticky("a", 3, [P("t", 1)], "t") with { OwnedPartitions = [P("t", 0)] };

        var result = Sticky.Assign(Topics(("t", 2)), Members(a, MemberSubscription.Of("b", "t")));

        Assert.Equal([P("t", 1)], result["a"].Partitions);
        Assert.Equal([P("t", 0)], result["b"].Partitions);
    }

    [Fact]
    public void Sticky_ignores_user_data_it_cannot_read()
    {
        var a = MemberSubscription.Of("a", "t") with { UserData = new byte[] { 0, 0, 0, 9, 1 } };

        var result = Sticky.Assign(Topics(("t", 2)), Members(a, MemberSubscription.Of("b", "t")));

        Assert.Single(result["a"].Partitions);
        Assert.Single(result["b"].Partitions);
    }

    [Fact]
    public void Sticky_user_data_is_the_previous_assignment_and_generation_as_Java_and_librdkafka_write_it()
    {
        var expected = new BigEndianBlob().TopicPartitions(("t0", [0, 2]), ("t1", [1])).Int32(5).ToArray();

        Assert.Equal(expected, Sticky.SubscriptionUserData([P("t0", 0), P("t0", 2), P("t1", 1)], 5).ToArray());
        Assert.True(Sticky.SubscriptionUserData([], -1).IsEmpty);

        Assert.True(StickyUserData.TryReadPreviousAssignment(expected, out var previous, out var generation));
        Assert.Equal([P("t0", 0), P("t0", 2), P("t1", 1)], previous);
        Assert.Equal(5, generation);
    }

    [Fact]
    public void Sticky_user_data_version_0_has_no_generation()
    {
        var v0 = new BigEndianBlob().TopicPartitions(("t", [3])).ToArray();

        Assert.True(StickyUserData.TryReadPreviousAssignment(v0, out var previous, out var generation));
        Assert.Equal([P("t", 3)], previous);
        Assert.Equal(-1, generation);
    }

    [Fact]
    public void Cooperative_sticky_user_data_is_the_generation_in_four_bytes_as_Java_writes_it()
    {
        Assert.Equal(new byte[] { 0, 0, 1, 2 }, Cooperative.SubscriptionUserData([P("t", 0)], 258).ToArray());
        Assert.Equal(258, StickyUserData.ReadGeneration(new byte[] { 0, 0, 1, 2 }));
        Assert.Equal(-1, StickyUserData.ReadGeneration(new byte[] { 7 }));
        Assert.Equal(-1, StickyUserData.ReadGeneration(ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void Claims_on_partitions_that_no_longer_exist_are_dropped()
    {
        var members = Members(Owning("a", 2, [P("t", 5), P("gone", 0)], "t"), Owning("b", 2, [], "t"));

        var result = Cooperative.Assign(Topics(("t", 2)), members);

        Assert.Equal(2, result["a"].Partitions.Count + result["b"].Partitions.Count);
        Assert.Single(result["a"].Partitions);
    }

    [Fact]
    public void A_partition_of_a_topic_its_owner_dropped_is_revoked_first_when_another_member_takes_it()
    {
        // a owned u0 but no longer subscribes to u; b does. Cooperative: a revokes u0 this round, b gets it next.
        var members = Members(Owning("a", 3, [P("t", 0), P("u", 0)], "t"), Owning("b", 3, [], "t", "u"));

        var result = Cooperative.Assign(Topics(("t", 1), ("u", 1)), members);

        Assert.Equal([P("t", 0)], result["a"].Partitions);
        Assert.Empty(result["b"].Partitions);
    }
}
