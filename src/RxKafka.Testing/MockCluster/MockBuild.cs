namespace RxKafka.Testing.MockCluster;

/// <summary>
/// Which real librdkafka build hosts a <see cref="MockKafkaCluster"/>. Both are set up by
/// <c>scripts/setup.sh</c>; <see cref="MockLibraries.LibraryPath"/> says where each one lives.
/// </summary>
public enum MockBuild
{
    /// <summary>
    /// Debian's <c>librdkafka1</c> package, version 2.0.2: old protocol versions and no flexible
    /// versions, so clients must negotiate downwards. It has no
    /// <c>rd_kafka_mock_broker_set_host_port</c>.
    /// </summary>
    Debian202,

    /// <summary>
    /// librdkafka 2.15.1 built from the source that the npm package
    /// <c>@confluentinc/kafka-javascript@1.10.1</c> ships: flexible versions (Metadata v12, Fetch v16, ...).
    /// </summary>
    Source2151,
}
