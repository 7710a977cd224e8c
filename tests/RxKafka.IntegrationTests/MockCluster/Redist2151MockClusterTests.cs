using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.MockCluster;

/// <summary>The harness on librdkafka 2.15.1 from the librdkafka.redist package: flexible versions.</summary>
public sealed class Redist2151MockClusterTests : MockClusterTests
{
    protected override MockBuild Build => MockBuild.Redist2151;

    protected override string ExpectedVersion => "2.15.1";

    protected override bool DownBrokersLeaveMetadata => true;

    protected override void AssertOfferedVersions(IReadOnlyDictionary<ApiKey, (short Min, short Max)> offered)
    {
        Assert.True(offered[ApiKey.Metadata].Max >= 12, $"Metadata max {offered[ApiKey.Metadata].Max}");
        Assert.True(offered[ApiKey.Fetch].Max >= 16, $"Fetch max {offered[ApiKey.Fetch].Max}");
        Assert.True(offered[ApiKey.Produce].Max >= 10, $"Produce max {offered[ApiKey.Produce].Max}");
        // Observed: Produce 0-10, Fetch 0-16, Metadata 0-12, FindCoordinator 0-3, but ApiVersions only 0-2.
        Assert.Equal((short)2, offered[ApiKey.ApiVersions].Max);
        Assert.Contains(offered, api => api.Key == ApiKey.ShareFetch);
    }

    [Fact]
    public void The_library_is_the_librdkafka_redist_package_build_copied_beside_the_test_assembly()
    {
        var path = MockLibraries.LibraryPath(Build);

        Assert.True(File.Exists(path), path);
        Assert.StartsWith(AppContext.BaseDirectory, path);
        Assert.Contains(Path.Combine("runtimes", RuntimeIdentifierOfPackage(), "native"), path);
    }

    [Fact]
    public void Start_without_a_build_runs_the_librdkafka_redist_package_build()
    {
        using var cluster = MockKafkaCluster.Start(1);

        Assert.Equal(MockBuild.Redist2151, cluster.Build);
        Assert.Equal("2.15.1", cluster.Version);
        Assert.Equal(MockLibraries.LibraryPath(MockBuild.Redist2151), cluster.LibraryPath);
    }

    [Fact]
    public void SetBrokerHostPort_changes_what_Metadata_advertises()
    {
        using var cluster = StartCluster(2);
        using var connection = RawKafkaConnection.ConnectBootstrap(cluster.BootstrapServers);

        Assert.True(cluster.SupportsSetBrokerHostPort);
        cluster.SetBrokerHostPort(2, "broker-two.test", 19092);

        var brokers = MetadataV1(connection).Brokers.ToDictionary(b => b.NodeId);
        Assert.Equal(("broker-two.test", 19092), (brokers[2].Host, brokers[2].Port));
        Assert.Equal(cluster.GetBrokerListener(1).Port, brokers[1].Port);
        // The broker still listens on its own port.
        using var direct = ConnectTo(cluster, 2);
        Assert.Contains(ApiKey.Metadata, ApiVersions(direct).Keys);
    }

    private static string RuntimeIdentifierOfPackage() =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
}
