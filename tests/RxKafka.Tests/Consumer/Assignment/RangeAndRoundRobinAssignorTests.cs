using RxKafka.Consumer.Assignment;
using static RxKafka.Tests.Consumer.Assignment.AssignorTestData;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>
/// Range and round-robin on worked examples: those in the Javadoc of Java's RangeAssignor and RoundRobinAssignor,
/// and others derived from the rules they document (member order with static members first by
/// <c>group.instance.id</c>, ranges per topic, the round-robin turn skipping members not subscribed to a topic,
/// topics that do not exist skipped).
/// </summary>
public sealed class RangeAndRoundRobinAssignorTests
{
    private static readonly RangeAssignor Range = new();
    private static readonly RoundRobinAssignor RoundRobin = new();

    [Fact]
    public void R5_range_gives_each_member_a_run_of_every_topic_as_the_Java_docs_of_RangeAssignor_show()
    {
        // Two members, two topics of three partitions: C0 gets t0p0, t0p1, t1p0, t1p1; C1 gets t0p2, t1p2.
        var result = Range.Assign(Topics(("t0", 3), ("t1", 3)), Members(MemberSubscription.Of("C0", "t0", "t1"), MemberSubscription.Of("C1", "t0", "t1")));

        Assert.Equal([P("t0", 0), P("t0", 1), P("t1", 0), P("t1", 1)], result["C0"].Partitions);
        Assert.Equal([P("t0", 2), P("t1", 2)], result["C1"].Partitions);
    }

    [Fact]
    public void R5_range_splits_each_topic_among_its_own_subscribers_only()
    {
        // t0 (5 partitions) has three subscribers: 2, 2, 1. t1 (4) has two: 2, 2. t2 (1) has one.
        var members = Members(
            MemberSubscription.Of("a", "t0", "t1"),
            MemberSubscription.Of("b", "t0", "t2"),
            MemberSubscription.Of("c", "t0", "t1"));

        var result = Range.Assign(Topics(("t0", 5), ("t1", 4), ("t2", 1)), members);

        Assert.Equal([P("t0", 0), P("t0", 1), P("t1", 0), P("t1", 1)], result["a"].Partitions);
        Assert.Equal([P("t0", 2), P("t0", 3), P("t2", 0)], result["b"].Partitions);
        Assert.Equal([P("t0", 4), P("t1", 2), P("t1", 3)], result["c"].Partitions);
    }

    [Fact]
    public void R5_range_orders_static_members_by_group_instance_id_before_dynamic_members()
    {
        // Member ids say a < b < c; instance ids put c (inst-1) before a (inst-2); b is dynamic, so last.
        var members = Members(
            Static("a", "inst-2", "t"),
            MemberSubscription.Of("b", "t"),
            Static("c", "inst-1", "t"));

        var result = Range.Assign(Topics(("t", 7)), members);

        Assert.Equal([P("t", 0), P("t", 1), P("t", 2)], result["c"].Partitions);
        Assert.Equal([P("t", 3), P("t", 4)], result["a"].Partitions);
        Assert.Equal([P("t", 5), P("t", 6)], result["b"].Partitions);
    }

    [Fact]
    public void R5_range_skips_topics_that_do_not_exist_and_gives_every_member_an_entry()
    {
        var members = Members(MemberSubscription.Of("a", "t", "missing"), MemberSubscription.Of("b", "missing"));

        var result = Range.Assign(Topics(("t", 2)), members);

        Assert.Equal([P("t", 0), P("t", 1)], result["a"].Partitions);
        Assert.Empty(result["b"].Partitions);
    }

    [Fact]
    public void R5_range_leaves_members_beyond_the_partition_count_empty()
    {
        var result = Range.Assign(Topics(("t", 2)), Members(MemberSubscription.Of("a", "t"), MemberSubscription.Of("b", "t"), MemberSubscription.Of("c", "t")));

        Assert.Equal([P("t", 0)], result["a"].Partitions);
        Assert.Equal([P("t", 1)], result["b"].Partitions);
        Assert.Empty(result["c"].Partitions);
    }

    [Fact]
    public void R5_round_robin_deals_partitions_in_turn_as_the_Java_docs_of_RoundRobinAssignor_show()
    {
        // Two members, two topics of three partitions: C0 gets t0p0, t0p2, t1p1; C1 gets t0p1, t1p0, t1p2.
        var result = RoundRobin.Assign(Topics(("t0", 3), ("t1", 3)), Members(MemberSubscription.Of("C0", "t0", "t1"), MemberSubscription.Of("C1", "t0", "t1")));

        Assert.Equal([P("t0", 0), P("t0", 2), P("t1", 1)], result["C0"].Partitions);
        Assert.Equal([P("t0", 1), P("t1", 0), P("t1", 2)], result["C1"].Partitions);
    }

    [Fact]
    public void R5_round_robin_skips_members_not_subscribed_as_the_Java_docs_of_RoundRobinAssignor_show()
    {
        // t0, t1, t2 with 1, 2, 3 partitions; C0 subscribes to t0, C1 to t0 and t1, C2 to all three:
        // C0 gets t0p0, C1 t1p0, C2 t1p1, t2p0, t2p1, t2p2.
        var members = Members(
            MemberSubscription.Of("C0", "t0"),
            MemberSubscription.Of("C1", "t0", "t1"),
            MemberSubscription.Of("C2", "t0", "t1", "t2"));

        var result = RoundRobin.Assign(Topics(("t0", 1), ("t1", 2), ("t2", 3)), members);

        Assert.Equal([P("t0", 0)], result["C0"].Partitions);
        Assert.Equal([P("t1", 0)], result["C1"].Partitions);
        Assert.Equal([P("t1", 1), P("t2", 0), P("t2", 1), P("t2", 2)], result["C2"].Partitions);
    }

    [Fact]
    public void R5_round_robin_keeps_the_turn_across_topics_and_orders_topics_by_name()
    {
        // Topics sorted: "a" before "b"; the turn carries over: x a0, y a1, z a2, x b0, y b1.
        var members = Members(MemberSubscription.Of("y", "b", "a"), MemberSubscription.Of("x", "a", "b"), MemberSubscription.Of("z", "a", "b"));

        var result = RoundRobin.Assign(Topics(("b", 2), ("a", 3)), members);

        Assert.Equal([P("a", 0), P("b", 0)], result["x"].Partitions);
        Assert.Equal([P("a", 1), P("b", 1)], result["y"].Partitions);
        Assert.Equal([P("a", 2)], result["z"].Partitions);
    }

    [Fact]
    public void R5_round_robin_orders_static_members_by_group_instance_id()
    {
        var members = Members(Static("m1", "zeta", "t"), Static("m2", "alpha", "t"), MemberSubscription.Of("m0", "t"));

        var result = RoundRobin.Assign(Topics(("t", 4)), members);

        Assert.Equal([P("t", 0), P("t", 3)], result["m2"].Partitions);
        Assert.Equal([P("t", 1)], result["m1"].Partitions);
        Assert.Equal([P("t", 2)], result["m0"].Partitions);
    }

    [Fact]
    public void Member_ids_compare_by_code_unit_as_Java_strings_do()
    {
        // Ordinal: upper case before lower case, "B" < "a"; a culture-aware sort would put "a" first.
        var result = RoundRobin.Assign(Topics(("t", 2)), Members(MemberSubscription.Of("a", "t"), MemberSubscription.Of("B", "t")));

        Assert.Equal([P("t", 0)], result["B"].Partitions);
        Assert.Equal([P("t", 1)], result["a"].Partitions);
    }

    [Fact]
    public void An_input_keyed_under_another_member_id_or_with_a_negative_partition_count_is_refused()
    {
        var wrongKey = new Dictionary<string, MemberSubscription> { ["a"] = MemberSubscription.Of("b", "t") };

        Assert.Contains("keyed 'a' belongs to member 'b'", Assert.Throws<ArgumentException>(() => Range.Assign(Topics(("t", 1)), wrongKey)).Message, StringComparison.Ordinal);
        Assert.Contains("topic 't' has a negative partition count", Assert.Throws<ArgumentException>(() => RoundRobin.Assign(Topics(("t", -1)), Members(MemberSubscription.Of("a", "t")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Range_and_round_robin_are_eager_and_send_no_user_data()
    {
        Assert.Equal(("range", RebalanceProtocol.Eager), (Range.Name, Range.Protocol));
        Assert.Equal(("roundrobin", RebalanceProtocol.Eager), (RoundRobin.Name, RoundRobin.Protocol));
        Assert.True(Range.SubscriptionUserData([P("t", 0)], 3).IsEmpty);
        Assert.True(RoundRobin.SubscriptionUserData([P("t", 0)], 3).IsEmpty);
    }
}
