using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.MockCluster;

/// <summary>The harness on Debian's librdkafka1 2.0.2: old protocol versions, no flexible versions.</summary>
public sealed class Debian202MockClusterTests : MockClusterTests
{
    protected override MockBuild Build => MockBuild.Debian202;

    protected override string ExpectedVersion => "2.0.2";

    protected override bool DownBrokersLeaveMetadata => false;

    protected override void AssertOfferedVersions(IReadOnlyDictionary<ApiKey, (short Min, short Max)> offered)
    {
        // Observed: Produce 0-7, Fetch 0-11, Metadata 0-2, FindCoordinator 0-2, ApiVersions 0-2.
        // No flexible version of any API but InitProducerId (0-4, flexible from v2); Metadata is
        // flexible from v9, Fetch from v12, Produce from v9.
        Assert.Equal(((short)0, (short)2), offered[ApiKey.Metadata]);
        Assert.Equal(((short)0, (short)11), offered[ApiKey.Fetch]);
        Assert.Equal(((short)0, (short)7), offered[ApiKey.Produce]);
        Assert.Equal(((short)0, (short)2), offered[ApiKey.ApiVersions]);
        Assert.Equal(((short)0, (short)4), offered[ApiKey.InitProducerId]);
        Assert.All(offered, api => Assert.False(
            api.Key != ApiKey.InitProducerId && KafkaApis.TryGet((short)api.Key, out var known) && known.IsFlexible(api.Value.Max),
            $"{api.Key} v{api.Value.Max} is flexible"));
    }

    [Fact]
    public void SetBrokerHostPort_is_not_supported_and_says_which_build()
    {
        using var cluster = StartCluster(1);

        Assert.False(cluster.SupportsSetBrokerHostPort);
        var error = Assert.Throws<NotSupportedException>(() => cluster.SetBrokerHostPort(1, "localhost", 9093));
        Assert.Contains("2.0.2", error.Message);
        Assert.Contains("rd_kafka_mock_broker_set_host_port", error.Message);
    }
}
