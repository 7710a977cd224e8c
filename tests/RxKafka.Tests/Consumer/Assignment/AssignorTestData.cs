using RxKafka.Consumer.Assignment;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>Short ways to write assignor inputs and read outputs in tests.</summary>
internal static class AssignorTestData
{
    public static TopicPartition P(string topic, int partition) => new(topic, partition);

    public static Dictionary<string, int> Topics(params (string Topic, int Partitions)[] topics) =>
        topics.ToDictionary(t => t.Topic, t => t.Partitions, StringComparer.Ordinal);

    public static Dictionary<string, MemberSubscription> Members(params MemberSubscription[] members) =>
        members.ToDictionary(m => m.MemberId, StringComparer.Ordinal);

    public static MemberSubscription Static(string memberId, string instanceId, params string[] topics) =>
        MemberSubscription.Of(memberId, topics) with { GroupInstanceId = instanceId };

    /// <summary>A cooperative member that owns <paramref name="owned"/> as of <paramref name="generation"/>.</summary>
    public static MemberSubscription Owning(string memberId, int generation, IReadOnlyList<TopicPartition> owned, params string[] topics) =>
        MemberSubscription.Of(memberId, topics) with { OwnedPartitions = owned, GenerationId = generation };

    /// <summary>An eager sticky member whose user data says it had <paramref name="previous"/> in <paramref name="generation"/>.</summary>
    public static MemberSubscription HadSticky(string memberId, int generation, IReadOnlyList<TopicPartition> previous, params string[] topics) =>
        MemberSubscription.Of(memberId, topics) with { UserData = StickyUserData.WritePreviousAssignment(previous, generation) };

    public static string Show(IReadOnlyDictionary<string, MemberAssignment> assignment) =>
        string.Join("; ", assignment.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: [{string.Join(", ", a.Value.Partitions)}]"));
}
