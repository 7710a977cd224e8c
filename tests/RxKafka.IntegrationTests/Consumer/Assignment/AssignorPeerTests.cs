using RxKafka.Consumer.Assignment;
using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;
using static RxKafka.IntegrationTests.Consumer.Assignment.ConfluentGroup;

namespace RxKafka.IntegrationTests.Consumer.Assignment;

/// <summary>
/// Our assignors against librdkafka's (Confluent.Kafka 2.15.1) in real groups on librdkafka 2.15.1's mock cluster:
/// range and round-robin give exactly the partitions librdkafka's leader gave each member, from the same member ids,
/// subscriptions and partition counts; for cooperative-sticky, librdkafka's result has our properties (exclusive,
/// complete, balanced, and our assignor fed it keeps it), and as a member joins both move the same number of
/// partitions, the fewest balance allows.
/// </summary>
public sealed class AssignorPeerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    // Topics of several partition counts.
    private static readonly Dictionary<string, int> Topics = new(StringComparer.Ordinal)
    {
        ["orders"] = 5, ["payments"] = 3, ["clicks"] = 8, ["audit"] = 1,
    };

    // Mixed subscriptions: no two members alike.
    private static readonly string[][] Subscriptions =
    [
        ["orders", "payments", "clicks"],
        ["orders", "clicks"],
        ["payments", "clicks", "audit"],
        ["orders", "payments", "clicks", "audit"],
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("range")]
    [InlineData("roundrobin")]
    public void R5_our_assignor_gives_each_librdkafka_member_exactly_what_librdkafkas_leader_gave_it(string strategy)
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        foreach (var (topic, partitions) in Topics)
        {
            cluster.CreateTopic(topic, partitions, 1);
        }

        using var group = new ConfluentGroup(cluster.BootstrapServers, $"assignors-{strategy}", strategy);
        foreach (var topics in Subscriptions)
        {
            group.Join(topics);
        }

        var ours = AssignmentStrategies.Parse(strategy).Assignors[0];
        var snapshot = group.PollUntil(
            s => IsComplete(s) && Differences(s, Ours(ours, s)).Count == 0,
            Deadline,
            Token,
            s => $"{Show(s)}; complete: {IsComplete(s)}; differences from ours: {string.Join("; ", Differences(s, Ours(ours, s)))}");

        Output($"{strategy}: {Show(snapshot)}: every member's partitions are ours");
    }

    [Fact]
    public void R5_librdkafkas_cooperative_sticky_result_has_our_properties_and_moves_as_few_partitions_as_ours()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        foreach (var (topic, partitions) in Topics)
        {
            cluster.CreateTopic(topic, partitions, 1);
        }

        // Equal subscriptions, so that balance means sizes within one (17 partitions: 6, 6, 5, then 5, 4, 4, 4).
        string[] all = [.. Topics.Keys];
        using var group = new ConfluentGroup(cluster.BootstrapServers, "assignors-cooperative", "cooperative-sticky");
        for (var i = 0; i < 3; i++)
        {
            group.Join(all);
        }

        var cooperative = new CooperativeStickyAssignor();
        var three = group.PollUntil(s => IsComplete(s) && IsBalanced(s), Deadline, Token, Show);

        // Fed librdkafka's assignment as what members own, ours keeps it: nothing to balance, nothing to move.
        var kept = cooperative.Assign(Topics, Owning(three, generation: 1));
        Assert.All(three, m => Assert.Equal(m.Assignment.Order(PartitionOrder.Instance), kept[m.MemberId].Partitions));

        group.Join(all);
        var four = group.PollUntil(s => s.Count == 4 && IsComplete(s) && IsBalanced(s), Deadline, Token, Show);

        // What ours does from the same start: the newcomer joins owning nothing; moving partitions are held back a round.
        var newcomer = four.Single(m => three.All(t => t.MemberId != m.MemberId));
        var start = Owning([.. three, newcomer with { Assignment = [] }], generation: 2);
        var first = cooperative.Assign(Topics, start);
        var second = cooperative.Assign(Topics, Owning([.. four.Select(m => m with { Assignment = first[m.MemberId].Partitions })], generation: 3));

        var theirMoves = Moves(three, four);
        var ourMoves = Moves(three, [.. four.Select(m => m with { Assignment = second[m.MemberId].Partitions })]);
        Assert.Equal(FewestMoves(17, 4, three.Select(m => m.Assignment.Count)), theirMoves);
        Assert.Equal(theirMoves, ourMoves);
        Assert.Equal(four.Select(m => m.Assignment.Count).Order(), second.Values.Select(a => a.Partitions.Count).Order());
        Output($"cooperative-sticky: three members {Show(three)}; four {Show(four)}; librdkafka moved {theirMoves}, ours {ourMoves}");
    }

    private static IReadOnlyDictionary<string, MemberAssignment> Ours(IPartitionAssignor assignor, IReadOnlyList<MemberState> snapshot) =>
        assignor.Assign(Topics, snapshot.ToDictionary(m => m.MemberId, m => MemberSubscription.Of(m.MemberId, [.. m.Topics]), StringComparer.Ordinal));

    private static Dictionary<string, MemberSubscription> Owning(IEnumerable<MemberState> members, int generation) =>
        members.ToDictionary(
            m => m.MemberId,
            m => MemberSubscription.Of(m.MemberId, [.. m.Topics]) with { OwnedPartitions = m.Assignment, GenerationId = generation },
            StringComparer.Ordinal);

    // Every member has an id, and the members' partitions are every subscribed partition once, each to a subscriber.
    private static bool IsComplete(IReadOnlyList<MemberState> snapshot)
    {
        if (snapshot.Any(m => m.MemberId.Length == 0) || snapshot.Select(m => m.MemberId).Distinct().Count() != snapshot.Count)
        {
            return false;
        }

        var expected = snapshot.SelectMany(m => m.Topics).Distinct()
            .SelectMany(t => Enumerable.Range(0, Topics[t]).Select(p => new TopicPartition(t, p))).ToHashSet();
        var assigned = snapshot.SelectMany(m => m.Assignment).ToList();
        return assigned.Count == expected.Count && expected.SetEquals(assigned)
            && snapshot.All(m => m.Assignment.All(p => m.Topics.Contains(p.Topic)));
    }

    private static bool IsBalanced(IReadOnlyList<MemberState> snapshot) =>
        snapshot.Max(m => m.Assignment.Count) - snapshot.Min(m => m.Assignment.Count) <= 1;

    private static List<string> Differences(IReadOnlyList<MemberState> snapshot, IReadOnlyDictionary<string, MemberAssignment> ours) =>
        [.. snapshot
            .Where(m => !ours.TryGetValue(m.MemberId, out var mine) || !mine.Partitions.ToHashSet().SetEquals(m.Assignment))
            .Select(m => $"{m.MemberId}: librdkafka [{string.Join(",", m.Assignment.Order(PartitionOrder.Instance))}], ours [{(ours.TryGetValue(m.MemberId, out var mine) ? string.Join(",", mine.Partitions) : "no entry")}]")];

    // Partitions a member had before and has no longer, while it is still in the group.
    private static int Moves(IReadOnlyList<MemberState> before, IReadOnlyList<MemberState> after) =>
        before.Sum(b => b.Assignment.Count(p => !after.Single(a => a.MemberId == b.MemberId).Assignment.Contains(p)));

    // With n partitions over k members, n mod k of them take one more; the largest owners keep the larger shares.
    private static int FewestMoves(int n, int k, IEnumerable<int> owned) =>
        owned.OrderDescending().Select((count, i) => Math.Max(0, count - ((n / k) + (i < n % k ? 1 : 0)))).Sum();

    private static string Show(IReadOnlyList<MemberState> snapshot) =>
        string.Join(" | ", snapshot.Select(m => $"{m.MemberId} [{string.Join(",", m.Topics)}] -> {m.Assignment.Count}: {string.Join(",", m.Assignment.Order(PartitionOrder.Instance))}"));

    private static void Output(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
