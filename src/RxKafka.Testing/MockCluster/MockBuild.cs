namespace RxKafka.Testing.MockCluster;

/// <summary>
/// Which real librdkafka build hosts a <see cref="MockKafkaCluster"/>. <see cref="MockLibraries.LibraryPath"/>
/// says where each one lives.
/// </summary>
public enum MockBuild
{
    /// <summary>
    /// Debian's <c>librdkafka1</c> package, version 2.0.2 (<c>apt-get install librdkafka1</c>): old protocol
    /// versions and no flexible versions, so clients must negotiate downwards. It has no
    /// <c>rd_kafka_mock_broker_set_host_port</c>. Linux only.
    /// </summary>
    Debian202,

    /// <summary>
    /// librdkafka 2.15.1 from the <c>librdkafka.redist</c> package, which RxKafka.Testing depends on, so
    /// it needs nothing but the .NET SDK: flexible versions (Metadata v12, Fetch v16, Produce v10, ...).
    /// The default build.
    /// </summary>
    Redist2151,
}
