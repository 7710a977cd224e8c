using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Producer.Transactions;

/// <summary>
/// Which transaction protocol a broker offers, as the Java client reads it (TransactionManager in Kafka 4.0):
/// KIP-890 part 2 ("transactions v2") when the cluster finalizes the feature <c>transaction.version</c> at 2 or more
/// (ApiVersions v3+, KIP-584), and the broker offers the versions that carry it, Produce v12 and EndTxn v5. Under v1
/// a transactional producer stays below those versions: a v12 batch asks the leader to add its partition to the
/// transaction, and a v5 EndTxn asks the coordinator to bump the epoch, neither of which a v1 transaction expects.
/// </summary>
internal static class TransactionProtocol
{
    /// <summary>The finalized feature that switches KIP-890 part 2 on (Kafka's <c>TransactionVersion</c>).</summary>
    public const string FeatureName = "transaction.version";

    /// <summary>The <c>transaction.version</c> level from which the broker adds partitions implicitly and bumps the epoch at every end.</summary>
    public const short V2Level = 2;

    /// <summary>The newest Produce version a v1 transaction sends (Kafka's LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2).</summary>
    public const short LastProduceVersionV1 = 11;

    /// <summary>The newest EndTxn version a v1 transaction sends.</summary>
    public const short LastEndTxnVersionV1 = 4;

    /// <summary>The newest TxnOffsetCommit version a v1 transaction sends (v5 adds the group to the transaction).</summary>
    public const short LastTxnOffsetCommitVersionV1 = 4;

    /// <summary>Whether the broker behind <paramref name="table"/> runs KIP-890 part 2 and RxKafka can speak it there.</summary>
    public static bool OffersV2(ApiVersionTable table) =>
        table.FinalizedLevel(FeatureName) >= V2Level
        && table.TryPick(ApiKey.EndTxn, out var endTxn) && endTxn >= LastEndTxnVersionV1 + 1
        && table.TryPick(ApiKey.Produce, out var produce) && produce >= LastProduceVersionV1 + 1;

    /// <summary>
    /// The Produce version to send on <paramref name="connection"/> for a producer whose transactions run
    /// <paramref name="v2"/> or not (null: the negotiated one; a v1 transaction is capped at v11).
    /// </summary>
    public static short? ProduceVersion(KafkaConnection connection, bool v2) =>
        !v2 && connection.ApiVersions is { } table && table.TryPick(ApiKey.Produce, out var version) && version > LastProduceVersionV1
            ? LastProduceVersionV1
            : null;
}
