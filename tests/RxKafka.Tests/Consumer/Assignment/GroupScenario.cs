using FsCheck;
using FsCheck.Fluent;
using RxKafka.Consumer.Assignment;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>
/// A classic group for the assignor properties: topics with partition counts (zero included), members with their
/// subscriptions (a topic that does not exist included), some static, inserted in a random order; and a second
/// membership after members left, joined and a topic grew.
/// </summary>
internal sealed record GroupScenario(
    IReadOnlyDictionary<string, int> PartitionsPerTopic,
    IReadOnlyList<(string MemberId, string? InstanceId, string[] Topics)> Members)
{
    public const string Ghost = "ghost";

    /// <summary>Every partition of an existing topic some member subscribes to.</summary>
    public HashSet<TopicPartition> SubscribedPartitions() =>
        [.. Members.SelectMany(m => m.Topics).Distinct().Where(PartitionsPerTopic.ContainsKey)
            .SelectMany(t => Enumerable.Range(0, PartitionsPerTopic[t]).Select(p => new TopicPartition(t, p)))];

    public bool Subscribes(string memberId, string topic) => Members.First(m => m.MemberId == memberId).Topics.Contains(topic);

    /// <summary>The members' subscriptions, with what each one claims to own as the assignor's kind carries it.</summary>
    public Dictionary<string, MemberSubscription> Subscriptions(
        IReadOnlyDictionary<string, IReadOnlyList<TopicPartition>>? owned = null, int generation = -1, bool inUserData = false)
    {
        var result = new Dictionary<string, MemberSubscription>(StringComparer.Ordinal);
        foreach (var (memberId, instanceId, topics) in Members)
        {
            var mine = owned is not null && owned.TryGetValue(memberId, out var o) ? o : [];
            var subscription = MemberSubscription.Of(memberId, topics) with { GroupInstanceId = instanceId };
            result[memberId] = inUserData
                ? subscription with { UserData = mine.Count > 0 || generation >= 0 ? StickyUserData.WritePreviousAssignment(mine, generation) : ReadOnlyMemory<byte>.Empty }
                : subscription with { OwnedPartitions = mine, GenerationId = mine.Count > 0 ? generation : -1 };
        }

        return result;
    }

    public override string ToString() =>
        $"topics {{{string.Join(", ", PartitionsPerTopic.Select(t => $"{t.Key}:{t.Value}"))}}} members "
        + string.Join(" ", Members.Select(m => $"{m.MemberId}{(m.InstanceId is null ? "" : $"({m.InstanceId})")}[{string.Join(",", m.Topics)}]"));

    /// <summary>Groups of 1-4 topics (0-12 partitions each) and 1-7 members; with <paramref name="equal"/> every member subscribes to the same topics.</summary>
    public static Gen<GroupScenario> Groups(bool equal) =>
        from topicCount in Gen.Choose(1, 4)
        from counts in Gen.Choose(0, 12).ArrayOf(topicCount)
        from memberCount in Gen.Choose(1, 7)
        from shared in TopicSets(topicCount)
        from own in TopicSets(topicCount).ArrayOf(memberCount)
        from statics in Gen.Elements(true, false, false).ArrayOf(memberCount)
        from names in Gen.Shuffle(Enumerable.Range(0, 30)).Select(n => n.Take(memberCount).ToArray())
        select new GroupScenario(
            Enumerable.Range(0, topicCount).ToDictionary(t => $"t{t}", t => counts[t], StringComparer.Ordinal),
            [.. Enumerable.Range(0, memberCount).Select(i => ($"m{names[i]:D2}", statics[i] ? $"i{29 - names[i]:D2}" : null, equal ? shared : own[i]))]);

    /// <summary>A group and the same group later: some members left (not all), 0-3 joined, one topic grew.</summary>
    public static Gen<(GroupScenario Before, GroupScenario After)> Changes(bool equal) =>
        from before in Groups(equal)
        from leaves in Gen.Elements(true, false, false).ArrayOf(before.Members.Count)
        from joiners in Gen.Choose(0, 3)
        from joinerTopics in TopicSets(before.PartitionsPerTopic.Count).ArrayOf(joiners)
        from growth in Gen.Choose(0, 3)
        select (before, Change(before, leaves, joinerTopics, growth, equal));

    private static GroupScenario Change(GroupScenario before, bool[] leaves, string[][] joinerTopics, int growth, bool equal)
    {
        var stay = before.Members.Where((_, i) => !leaves[i]).ToList();
        if (stay.Count == 0 && joinerTopics.Length == 0)
        {
            stay.Add(before.Members[0]);
        }

        var joined = joinerTopics.Select((topics, i) => ($"n{i}", (string?)null, equal ? before.Members[0].Topics : topics));
        var partitions = before.PartitionsPerTopic.ToDictionary(t => t.Key, t => t.Key == "t0" ? t.Value + growth : t.Value, StringComparer.Ordinal);
        return new GroupScenario(partitions, [.. stay, .. joined]);
    }

    // A non-empty set of topics, sometimes with one that does not exist.
    private static Gen<string[]> TopicSets(int topicCount) =>
        Gen.SubListOf([.. Enumerable.Range(0, topicCount).Select(t => $"t{t}"), Ghost])
            .Where(s => s.Count > 0)
            .Select(s => s.ToArray());
}
