using FsCheck;
using FsCheck.Fluent;
using RxKafka.Consumer.Assignment;
using Owned = System.Collections.Generic.IReadOnlyDictionary<string, System.Collections.Generic.IReadOnlyList<RxKafka.TopicPartition>>;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>
/// Properties of every assignor over random groups (FsCheck): complete and exclusive, only to subscribers, independent
/// of the order members are listed in, balanced with equal subscriptions, sticky across membership changes (no more
/// moves than balance needs), and, for cooperative-sticky, exactly the moving partitions held back for one round and a
/// stable assignment reached in two.
/// </summary>
public sealed class AssignorPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true);

    public static TheoryData<string> Every => new("range", "roundrobin", "sticky", "cooperative-sticky");

    public static TheoryData<string> Balanced => new("roundrobin", "sticky", "cooperative-sticky");

    public static TheoryData<string> StickyOnes => new("sticky", "cooperative-sticky");

    [Theory]
    [MemberData(nameof(Every))]
    public void R5_every_subscribed_partition_goes_to_exactly_one_member_subscribed_to_its_topic(string name)
    {
        var assignor = Create(name);
        Check.One(Quick, Prop.ForAll(GroupScenario.Groups(equal: false).ToArbitrary(), group =>
        {
            var result = assignor.Assign(group.PartitionsPerTopic, group.Subscriptions());
            AssertAssignedOnceToSubscribers(group, result, missing: []);
            return true;
        }));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void An_empty_group_gets_an_empty_assignment_and_a_group_without_topics_gets_nothing(string name)
    {
        var assignor = Create(name);

        Assert.Empty(assignor.Assign(AssignorTestData.Topics(("t", 3)), AssignorTestData.Members()));
        var result = assignor.Assign(AssignorTestData.Topics(), AssignorTestData.Members(MemberSubscription.Of("a", "t")));
        Assert.Empty(Assert.Single(result).Value.Partitions);
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void R5_the_assignment_does_not_depend_on_the_order_members_are_listed_in(string name)
    {
        var assignor = Create(name);
        var reversedGroups = GroupScenario.Groups(equal: false).Select(g => (g, Reversed: g with { Members = [.. g.Members.Reverse()] }));
        Check.One(Quick, Prop.ForAll(reversedGroups.ToArbitrary(), pair =>
        {
            var one = assignor.Assign(pair.g.PartitionsPerTopic, pair.g.Subscriptions());
            var other = assignor.Assign(pair.Reversed.PartitionsPerTopic, pair.Reversed.Subscriptions());
            Assert.Equal(AssignorTestData.Show(one), AssignorTestData.Show(other));
            return true;
        }));
    }

    [Theory]
    [MemberData(nameof(Balanced))]
    public void R5_with_equal_subscriptions_assignment_sizes_differ_by_at_most_one(string name)
    {
        var assignor = Create(name);
        Check.One(Quick, Prop.ForAll(GroupScenario.Groups(equal: true).ToArbitrary(), group =>
        {
            var sizes = assignor.Assign(group.PartitionsPerTopic, group.Subscriptions()).Values.Select(a => a.Partitions.Count).ToList();
            Assert.True(sizes.Max() - sizes.Min() <= 1, $"sizes {string.Join(",", sizes)}");
            return true;
        }));
    }

    [Fact]
    public void R5_range_with_equal_subscriptions_splits_each_topic_within_one_partition()
    {
        var range = new RangeAssignor();
        Check.One(Quick, Prop.ForAll(GroupScenario.Groups(equal: true).ToArbitrary(), group =>
        {
            var result = range.Assign(group.PartitionsPerTopic, group.Subscriptions());
            foreach (var topic in group.PartitionsPerTopic.Keys.Where(t => group.Members[0].Topics.Contains(t)))
            {
                var sizes = result.Values.Select(a => a.Partitions.Count(p => p.Topic == topic)).ToList();
                Assert.True(sizes.Max() - sizes.Min() <= 1, $"{topic}: sizes {string.Join(",", sizes)}");
            }

            return true;
        }));
    }

    [Theory]
    [MemberData(nameof(StickyOnes))]
    public void R5_when_members_come_and_go_sticky_assignors_move_no_more_partitions_than_balance_requires(string name)
    {
        var assignor = Create(name);
        Check.One(Quick, Prop.ForAll(GroupScenario.Changes(equal: true).ToArbitrary(), change =>
        {
            var (before, after) = change;
            var owned = Previous(before, after);
            var result = assignor.Assign(after.PartitionsPerTopic, Subscriptions(assignor, after, owned, generation: 4));

            // Moved: a partition a member owned and keeps subscribing to, now not with it (cooperative: revoked).
            var moved = owned.Sum(o => o.Value.Count(p => !result[o.Key].Partitions.Contains(p)));
            Assert.Equal(FewestMoves(after, owned), moved);
            return true;
        }));
    }

    [Theory]
    [MemberData(nameof(StickyOnes))]
    public void R5_sticky_assignors_given_their_own_assignment_as_owned_return_it_unchanged(string name)
    {
        var assignor = Create(name);
        Check.One(Quick, Prop.ForAll(GroupScenario.Groups(equal: false).ToArbitrary(), group =>
        {
            var first = assignor.Assign(group.PartitionsPerTopic, group.Subscriptions());
            var owned = first.ToDictionary(a => a.Key, a => a.Value.Partitions, StringComparer.Ordinal);
            var second = assignor.Assign(group.PartitionsPerTopic, Subscriptions(assignor, group, owned, generation: 1));
            Assert.Equal(AssignorTestData.Show(first), AssignorTestData.Show(second));
            return true;
        }));
    }

    [Fact]
    public void R5_cooperative_sticky_leaves_out_exactly_the_partitions_it_revokes_from_a_previous_owner()
    {
        var cooperative = new CooperativeStickyAssignor();
        Check.One(Quick, Prop.ForAll(GroupScenario.Changes(equal: false).ToArbitrary(), change =>
        {
            var (before, after) = change;
            var owned = Previous(before, after);
            var result = cooperative.Assign(after.PartitionsPerTopic, after.Subscriptions(owned, generation: 4));

            var subscribed = after.SubscribedPartitions();
            var revokedFromOwner = owned.SelectMany(o => o.Value.Where(p => !result[o.Key].Partitions.Contains(p))).Where(subscribed.Contains).ToHashSet();
            AssertAssignedOnceToSubscribers(after, result, missing: revokedFromOwner);
            return true;
        }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void R5_cooperative_rounds_reach_a_complete_and_stable_assignment_in_two_rounds(bool equalSubscriptions)
    {
        var cooperative = new CooperativeStickyAssignor();
        Check.One(Quick, Prop.ForAll(GroupScenario.Changes(equalSubscriptions).ToArbitrary(), change =>
        {
            var (before, after) = change;
            Owned owned = Previous(before, after);
            var rounds = new List<IReadOnlyDictionary<string, MemberAssignment>>();
            for (var generation = 4; generation < 7; generation++)
            {
                var result = cooperative.Assign(after.PartitionsPerTopic, after.Subscriptions(owned, generation));
                rounds.Add(result);

                // Each member revokes what it lost and takes what it got: its next owned partitions are its assignment.
                owned = result.ToDictionary(a => a.Key, a => a.Value.Partitions, StringComparer.Ordinal);
            }

            AssertAssignedOnceToSubscribers(after, rounds[1], missing: []);
            Assert.Equal(AssignorTestData.Show(rounds[1]), AssignorTestData.Show(rounds[2]));
            return true;
        }));
    }

    internal static IPartitionAssignor Create(string name) => AssignmentStrategies.Parse(name).Assignors[0];

    // Eager sticky carries what a member had in its user data; cooperative in the owned partitions of the subscription.
    private static Dictionary<string, MemberSubscription> Subscriptions(IPartitionAssignor assignor, GroupScenario group, Owned owned, int generation) =>
        group.Subscriptions(owned, generation, inUserData: assignor.Protocol == RebalanceProtocol.Eager);

    /// <summary>What the members still in the group owned: the before group's sticky assignment.</summary>
    private static Dictionary<string, IReadOnlyList<TopicPartition>> Previous(GroupScenario before, GroupScenario after)
    {
        var previous = new StickyAssignor().Assign(before.PartitionsPerTopic, before.Subscriptions());
        return after.Members.Where(m => previous.ContainsKey(m.MemberId))
            .ToDictionary(m => m.MemberId, m => previous[m.MemberId].Partitions, StringComparer.Ordinal);
    }

    /// <summary>
    /// With equal subscriptions, n partitions and k members, a balanced assignment gives n mod k members one more
    /// than the others. The fewest moves give the larger shares to the members that own most, and take from each
    /// member only what it owns beyond its share.
    /// </summary>
    private static int FewestMoves(GroupScenario after, Owned owned)
    {
        var n = after.SubscribedPartitions().Count;
        var k = after.Members.Count;
        var ownedCounts = after.Members.Select(m => owned.TryGetValue(m.MemberId, out var o) ? o.Count : 0).OrderDescending().ToList();
        return ownedCounts.Select((count, i) => Math.Max(0, count - ((n / k) + (i < n % k ? 1 : 0)))).Sum();
    }

    private static void AssertAssignedOnceToSubscribers(GroupScenario group, IReadOnlyDictionary<string, MemberAssignment> result, HashSet<TopicPartition> missing)
    {
        Assert.Equal(group.Members.Select(m => m.MemberId).Order(StringComparer.Ordinal), result.Keys.Order(StringComparer.Ordinal));
        var all = result.SelectMany(a => a.Value.Partitions.Select(p => (Member: a.Key, Partition: p))).ToList();
        var twice = all.GroupBy(x => x.Partition).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"assigned twice: {string.Join(", ", twice)}");
        var notSubscribed = all.Where(x => !group.Subscribes(x.Member, x.Partition.Topic)).ToList();
        Assert.True(notSubscribed.Count == 0, $"assigned to a member not subscribed: {string.Join(", ", notSubscribed)}");

        var expected = group.SubscribedPartitions();
        expected.ExceptWith(missing);
        var assigned = all.Select(x => x.Partition).ToHashSet();
        Assert.True(assigned.SetEquals(expected), $"assigned {assigned.Count}, expected {expected.Count}: missing {string.Join(", ", expected.Except(assigned))}; extra {string.Join(", ", assigned.Except(expected))}");
    }
}
