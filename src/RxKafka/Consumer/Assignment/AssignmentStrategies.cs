namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The assignors a consumer offers in JoinGroup, in preference order (the <c>partition.assignment.strategy</c>
/// setting), and the rebalance protocol they allow together.
/// </summary>
internal sealed class AssignmentStrategies
{
    /// <summary>The setting's name, Kafka's and librdkafka's.</summary>
    public const string ConfigName = "partition.assignment.strategy";

    private const string JavaPackage = "org.apache.kafka.clients.consumer.";

    // librdkafka's names (which are the JoinGroup protocol names) and Java's class names, to the assignor.
    private static readonly (string Name, Func<IPartitionAssignor> Create)[] Known =
    [
        ("range", static () => new RangeAssignor()),
        ("roundrobin", static () => new RoundRobinAssignor()),
        ("sticky", static () => new StickyAssignor()),
        ("cooperative-sticky", static () => new CooperativeStickyAssignor()),
        (JavaPackage + "RangeAssignor", static () => new RangeAssignor()),
        (JavaPackage + "RoundRobinAssignor", static () => new RoundRobinAssignor()),
        (JavaPackage + "StickyAssignor", static () => new StickyAssignor()),
        (JavaPackage + "CooperativeStickyAssignor", static () => new CooperativeStickyAssignor()),
    ];

    private AssignmentStrategies(IReadOnlyList<IPartitionAssignor> assignors)
    {
        Assignors = assignors;

        // Java's rule (ConsumerCoordinator): the group uses the newest protocol every listed assignor supports.
        // Cooperative-sticky supports eager too, so a list mixing it with an eager assignor runs eager: the rolling
        // upgrade path of KIP-429. (librdkafka refuses such a mix; Java accepts it, and so do we.)
        Protocol = assignors.All(a => a.Protocol == RebalanceProtocol.Cooperative) ? RebalanceProtocol.Cooperative : RebalanceProtocol.Eager;
    }

    /// <summary>The assignors, most preferred first: the order of the protocols in JoinGroup.</summary>
    public IReadOnlyList<IPartitionAssignor> Assignors { get; }

    /// <summary>The rebalance protocol the member follows: cooperative only when every assignor is cooperative.</summary>
    public RebalanceProtocol Protocol { get; }

    /// <summary>The names every setting accepts, for error messages.</summary>
    public static IEnumerable<string> KnownNames => Known.Select(k => k.Name);

    /// <summary>The assignor whose JoinGroup protocol name is <paramref name="protocolName"/> (the one the coordinator chose), or null.</summary>
    public IPartitionAssignor? Find(string protocolName) =>
        Assignors.FirstOrDefault(a => string.Equals(a.Name, protocolName, StringComparison.Ordinal));

    /// <summary>
    /// Parses a comma-separated list of assignor names, librdkafka's (<c>range</c>, <c>roundrobin</c>,
    /// <c>cooperative-sticky</c>; also Java's protocol name <c>sticky</c>) or Java's class names
    /// (<c>org.apache.kafka.clients.consumer.RangeAssignor</c>, ...), in any case, order kept.
    /// </summary>
    /// <exception cref="KafkaConfigException">An unknown or empty name, an assignor named twice, or no name at all; the message lists the known names.</exception>
    public static AssignmentStrategies Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var assignors = new List<IPartitionAssignor>();
        foreach (var entry in value.Split(','))
        {
            var name = entry.Trim();
            var known = Known.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
            if (known.Create is null)
            {
                var what = name.Length == 0 ? $"'{value}' has an empty entry" : $"'{name}' is not a known assignor";
                throw new KafkaConfigException(ConfigName, $"{what}; known: {string.Join(", ", KnownNames)}");
            }

            var assignor = known.Create();
            if (assignors.Any(a => a.Name == assignor.Name))
            {
                throw new KafkaConfigException(ConfigName, $"'{value}' names the {assignor.Name} assignor twice");
            }

            assignors.Add(assignor);
        }

        return new AssignmentStrategies(assignors);
    }
}
