namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The order in which range and round-robin hand out partitions, Java's (AbstractPartitionAssignor.MemberInfo):
/// static members first, by <c>group.instance.id</c>, then dynamic members by member id. Ordering static members by
/// their instance id keeps their partitions across restarts, when the coordinator gives them a new member id
/// (KIP-345). Strings compare by UTF-16 code unit, as Java's <c>String.compareTo</c>.
/// </summary>
internal sealed class MemberOrder : IComparer<MemberSubscription>
{
    /// <summary>The one instance.</summary>
    public static MemberOrder Instance { get; } = new();

    private MemberOrder()
    {
    }

    /// <summary>The members of <paramref name="subscriptions"/> in this order.</summary>
    public static List<MemberSubscription> Sorted(IEnumerable<MemberSubscription> subscriptions)
    {
        var members = subscriptions.ToList();
        members.Sort(Instance);
        return members;
    }

    /// <inheritdoc/>
    public int Compare(MemberSubscription? x, MemberSubscription? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return (x.GroupInstanceId, y.GroupInstanceId) switch
        {
            ({ } a, { } b) => Tiebreak(string.CompareOrdinal(a, b), x, y),
            ({ }, null) => -1,
            (null, { }) => 1,
            _ => string.CompareOrdinal(x.MemberId, y.MemberId),
        };
    }

    // Two members with one instance id cannot both be in a group; member id keeps the order total if a broker lets it happen.
    private static int Tiebreak(int byInstance, MemberSubscription x, MemberSubscription y) =>
        byInstance != 0 ? byInstance : string.CompareOrdinal(x.MemberId, y.MemberId);
}
