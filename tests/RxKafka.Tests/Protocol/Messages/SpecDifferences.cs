namespace RxKafka.Tests.Protocol.Messages;

/// <summary>
/// The deliberate differences between the project's message definitions and the reference copy of Apache Kafka's
/// message JSON (../shared/kafka-spec: trunk of 2024-10-25, see its PROVENANCE.md): versions Kafka released after
/// that copy was taken, each with where it comes from. <see cref="SpecConformanceTests"/> accepts exactly these and
/// holds every other difference to be a mistake; an entry the reference has caught up with is reported, so that it
/// is removed rather than left to hide a later change.
/// </summary>
internal static class SpecDifferences
{
    private const string Kip890Part2 = "Apache Kafka 4.0 (KIP-890 part 2, transactions v2)";

    /// <summary>Versions newer than the reference's newest: each has exactly the fields of <see cref="NewerVersion.SameLayoutAs"/>.</summary>
    public static readonly IReadOnlyList<NewerVersion> NewerVersions =
    [
        new("ProduceRequest", 12, 11, $"{Kip890Part2}, ProduceRequest.json: \"Version 12 is the same as version 11 (KIP-890)\"; a transactional batch at v12 has its partition added to the transaction by the leader"),
        new("ProduceResponse", 12, 11, $"{Kip890Part2}, ProduceResponse.json: \"Version 12 is the same as version 10 (KIP-890)\" (v11 only added an error code)"),
        new("TxnOffsetCommitRequest", 5, 4, $"{Kip890Part2}, TxnOffsetCommitRequest.json: \"Version 5 is the same as version 4 (KIP-890)\"; at v5 the group coordinator adds the group to the transaction itself"),
        new("TxnOffsetCommitResponse", 5, 4, $"{Kip890Part2}, TxnOffsetCommitResponse.json: \"Version 5 is the same with version 3 (KIP-890)\""),
    ];

    /// <summary>Newest versions the reference marks unstable (<c>latestVersionUnstable</c>) that Kafka has since released as stable.</summary>
    public static readonly IReadOnlyList<NowStable> StableVersions =
    [
        new("EndTxnRequest", 5, $"{Kip890Part2}: EndTxn v5 (an epoch bump at every end) is stable; the Java client sends it when the broker finalizes transaction.version 2"),
    ];

    /// <summary>The newest version of <paramref name="message"/> the project defines beyond the reference, or null.</summary>
    public static short? NewestBeyondReference(string message) =>
        NewerVersions.Where(n => n.Message == message).Select(n => (short?)n.Version).Max();

    /// <summary>A version Kafka added after the reference copy was taken.</summary>
    /// <param name="Message">The message (request or response) class name, as in the spec's "name".</param>
    /// <param name="Version">The version beyond the reference's validVersions.</param>
    /// <param name="SameLayoutAs">The version (inside the reference's range) whose fields it repeats exactly.</param>
    /// <param name="Source">Where the version comes from.</param>
    public sealed record NewerVersion(string Message, short Version, short SameLayoutAs, string Source);

    /// <summary>A newest version the reference marks unstable and Kafka has since released.</summary>
    /// <param name="Message">The message class name.</param>
    /// <param name="Version">The version now stable (the reference's newest).</param>
    /// <param name="Source">Where that is stated.</param>
    public sealed record NowStable(string Message, short Version, string Source);
}
