using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Client;

/// <summary>
/// Detects which Apache Kafka release a broker runs from its ApiVersions answer (api version "auto").
/// </summary>
/// <remarks>
/// <para>
/// Brokers do not say their release; each release adds API versions, so the newest one a broker
/// offers dates it. Every known release (0.10.0 to 4.1) has one or two probes, API versions first
/// shipped in that release; the releases are tried newest first and the first whose probe the
/// broker offers is the answer. Nothing else in the table is required, so brokers that are not
/// Apache Kafka and offer a mixture (librdkafka's mock cluster, Redpanda, ...) are placed by the
/// newest feature they offer.
/// </para>
/// <para>
/// The answer is a feature release (bug-fix releases offer the same versions) and a lower bound:
/// a release newer than this client knows is reported as the newest known release.
/// </para>
/// </remarks>
internal static class BrokerVersions
{
    // Newest first. Each probe is an API version that no earlier release offers, checked against
    // Apache Kafka's message definitions of each release (request JSON from 2.2 on, the Java
    // schemas before) and, for 4.0 and 4.1, against the published protocol changes.
    // Probes prefer APIs that both ZooKeeper-mode and KRaft brokers offer to clients.
    private static readonly ReleaseProbes[] s_releases =
    [
        Release(KafkaVersion.V4_1_0,
            Probe(ApiKey.Produce, 13),            // Produce v13: KIP-516 topic ids instead of topic names
            Probe(ApiKey.ListTransactions, 2)),   // ListTransactions v2: KIP-1152 transactional id pattern filter
        Release(KafkaVersion.V4_0_0,
            Probe(ApiKey.Metadata, 13),           // Metadata v13: KIP-1102 top-level error code
            Probe(ApiKey.Produce, 12)),           // Produce v12: KIP-890 part 2, transactions v2 add partitions implicitly
        Release(KafkaVersion.V3_9_0,
            Probe(ApiKey.Fetch, 17),              // Fetch v17: KIP-853 replica directory id
            Probe(ApiKey.ListOffsets, 9)),        // ListOffsets v9: KIP-1005 last tiered offset (-5)
        Release(KafkaVersion.V3_8_0,
            Probe(ApiKey.Produce, 11),            // Produce v11: KIP-890 TRANSACTION_ABORTABLE error
            Probe(ApiKey.ListGroups, 5)),         // ListGroups v5: KIP-848 group type filter
        Release(KafkaVersion.V3_7_0,
            Probe(ApiKey.Produce, 10),            // Produce v10: KIP-951 new leader hints in the response
            Probe(ApiKey.Fetch, 16)),             // Fetch v16: KIP-951 new leader hints in the response
        Release(KafkaVersion.V3_6_0,
            // 3.6 changed nothing else a broker offers clients.
            Probe(ApiKey.AddPartitionsToTxn, 4)), // AddPartitionsToTxn v4: KIP-890 part 1 verify-only, batched transactions
        Release(KafkaVersion.V3_5_0,
            Probe(ApiKey.Fetch, 14),              // Fetch v14: KIP-405 tiered storage (OffsetMovedToTieredStorage)
            Probe(ApiKey.ListOffsets, 8)),        // ListOffsets v8: KIP-405 local log start offset (-4)
        Release(KafkaVersion.V3_4_0,
            // 3.4 only bumped ZooKeeper-mode inter-broker APIs (KIP-866 migration), which only
            // ZooKeeper-mode brokers offer: a KRaft 3.4 broker cannot be told from 3.3 and is reported as 3.3.
            Probe(ApiKey.LeaderAndIsr, 7),        // LeaderAndIsr v7: KIP-866 KRaft controller id
            Probe(ApiKey.UpdateMetadata, 8)),     // UpdateMetadata v8: KIP-866 KRaft controller id
        Release(KafkaVersion.V3_3_0,
            Probe(ApiKey.DescribeAcls, 3),        // DescribeAcls v3: KIP-373 USER resource type
            Probe(ApiKey.DescribeLogDirs, 4)),    // DescribeLogDirs v4: KIP-827 total and usable bytes
        Release(KafkaVersion.V3_2_0,
            Probe(ApiKey.JoinGroup, 8),           // JoinGroup v8: KIP-800 join reason
            Probe(ApiKey.LeaveGroup, 5)),         // LeaveGroup v5: KIP-800 leave reason
        Release(KafkaVersion.V3_1_0,
            Probe(ApiKey.Fetch, 13),              // Fetch v13: KIP-516 topic ids instead of topic names
            Probe(ApiKey.Metadata, 12)),          // Metadata v12: KIP-516 topics looked up by id
        Release(KafkaVersion.V3_0_0,
            Probe(ApiKey.ListOffsets, 7),         // ListOffsets v7: KIP-734 max timestamp (-3)
            Probe(ApiKey.FindCoordinator, 4)),    // FindCoordinator v4: KIP-699 batched coordinator keys
        Release(KafkaVersion.V2_8_0,
            Probe(ApiKey.Metadata, 10),           // Metadata v10: KIP-516 topic ids in the response
            Probe(ApiKey.DescribeCluster, 0)),    // DescribeCluster v0: KIP-700 new API
        Release(KafkaVersion.V2_7_0,
            Probe(ApiKey.Fetch, 12),              // Fetch v12: KIP-595 flexible Fetch, diverging epochs
            Probe(ApiKey.CreateTopics, 6)),       // CreateTopics v6: KIP-599 THROTTLING_QUOTA_EXCEEDED
        Release(KafkaVersion.V2_6_0,
            Probe(ApiKey.ListGroups, 4),          // ListGroups v4: KIP-518 group state filter
            Probe(ApiKey.DescribeConfigs, 3)),    // DescribeConfigs v3: KIP-569 config type and documentation
        Release(KafkaVersion.V2_5_0,
            Probe(ApiKey.JoinGroup, 7),           // JoinGroup v7: KIP-559 protocol type and name
            Probe(ApiKey.OffsetFetch, 7)),        // OffsetFetch v7: KIP-447 require stable offsets
        Release(KafkaVersion.V2_4_0,
            Probe(ApiKey.Produce, 8),             // Produce v8: KIP-467 per-record errors
            Probe(ApiKey.ApiVersions, 3)),        // ApiVersions v3: KIP-511 client software name, flexible (KIP-482)
        Release(KafkaVersion.V2_3_0,
            Probe(ApiKey.Fetch, 11),              // Fetch v11: KIP-392 fetch from follower (rack id)
            Probe(ApiKey.JoinGroup, 5)),          // JoinGroup v5: KIP-345 static membership (group instance id)
        Release(KafkaVersion.V2_2_0,
            Probe(ApiKey.ListOffsets, 5),         // ListOffsets v5: KIP-207 OFFSET_NOT_AVAILABLE during leader change
            Probe(ApiKey.JoinGroup, 4)),          // JoinGroup v4: KIP-394 member id required
        Release(KafkaVersion.V2_1_0,
            Probe(ApiKey.Produce, 7),             // Produce v7: KIP-110 zstd compression
            Probe(ApiKey.Fetch, 9)),              // Fetch v9: KIP-320 current leader epoch
        Release(KafkaVersion.V2_0_0,
            Probe(ApiKey.Fetch, 8),               // Fetch v8: KIP-219 throttle after the response
            Probe(ApiKey.ApiVersions, 2)),        // ApiVersions v2: KIP-219 throttle after the response
        Release(KafkaVersion.V1_1_0,
            Probe(ApiKey.Fetch, 7),               // Fetch v7: KIP-227 incremental fetch sessions
            Probe(ApiKey.DeleteGroups, 0)),       // DeleteGroups v0: KIP-229 new API
        Release(KafkaVersion.V1_0_0,
            Probe(ApiKey.Metadata, 5),            // Metadata v5: KIP-112 offline replicas
            Probe(ApiKey.SaslAuthenticate, 0)),   // SaslAuthenticate v0: KIP-152 new API
        Release(KafkaVersion.V0_11_0,
            Probe(ApiKey.Produce, 3),             // Produce v3: KIP-98 transactional id, record batch v2
            Probe(ApiKey.Fetch, 4)),              // Fetch v4: KIP-98 isolation level
        Release(KafkaVersion.V0_10_2,
            Probe(ApiKey.OffsetFetch, 2),         // OffsetFetch v2: KIP-88 all partitions of a group, top-level error
            Probe(ApiKey.CreateTopics, 1)),       // CreateTopics v1: KIP-108 validate only
        Release(KafkaVersion.V0_10_1,
            Probe(ApiKey.Metadata, 2),            // Metadata v2: KIP-78 cluster id
            Probe(ApiKey.Fetch, 3)),              // Fetch v3: KIP-74 response size limit
        Release(KafkaVersion.V0_10_0,
            Probe(ApiKey.ApiVersions, 0),         // ApiVersions v0: KIP-35 new API
            Probe(ApiKey.Produce, 2)),            // Produce v2: KIP-32 message timestamps
    ];

    /// <summary>
    /// The Kafka release <paramref name="table"/> comes from: the newest known release whose probe
    /// (an API version first shipped in that release) the broker offers.
    /// </summary>
    /// <param name="table">The broker's ApiVersions answer.</param>
    /// <returns>
    /// The feature release (e.g. 2.8.0, 0.10.2), or <see langword="null"/> when the broker offers
    /// nothing Kafka 0.10.0 or later introduced: a broker older than 0.10.0 does not answer
    /// ApiVersions at all, and RxKafka does not support it.
    /// </returns>
    /// <remarks>
    /// A ZooKeeper-mode 3.4 broker is told from 3.3 only by inter-broker APIs, so a KRaft 3.4 broker
    /// is reported as 3.3.0.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="table"/> is null.</exception>
    public static KafkaVersion? Detect(ApiVersionTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var release in s_releases)
        {
            if (release.IsMatchedBy(table))
            {
                return release.Release;
            }
        }

        return null;
    }

    /// <summary>
    /// The Kafka release a broker runs, from the (api key, min, max) entries of its ApiVersions answer;
    /// see <see cref="Detect(ApiVersionTable)"/>.
    /// </summary>
    /// <param name="apiVersions">The broker's entries.</param>
    /// <returns>The feature release, or <see langword="null"/> when the broker is older than 0.10.0 or offers nothing known.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="apiVersions"/> is null.</exception>
    public static KafkaVersion? Detect(IEnumerable<(short ApiKey, short MinVersion, short MaxVersion)> apiVersions)
    {
        ArgumentNullException.ThrowIfNull(apiVersions);
        return Detect(new ApiVersionTable(apiVersions));
    }

    /// <summary>The releases Detect knows, newest first, each with its probes.</summary>
    internal static IReadOnlyList<ReleaseProbes> Releases => s_releases;

    private static ReleaseProbes Release(KafkaVersion release, params ApiVersionProbe[] probes) => new(release, probes);

    private static ApiVersionProbe Probe(ApiKey apiKey, short version) => new(apiKey, version);
}
