using System.Security.Cryptography.X509Certificates;
using RxKafka.Client;
using RxKafka.IntegrationTests.Support;
using RxKafka.Network;
using RxKafka.Network.Transports;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Network;

/// <summary>
/// KafkaConnection against librdkafka's mock cluster over real TCP, for each build (the subclasses).
/// Real time here, so every wait has a deadline; the precise timing behaviours are proved in virtual
/// time in the unit tests.
/// </summary>
public abstract class ConnectionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    protected abstract MockBuild Build { get; }

    /// <summary>The ApiVersions version the connection ends up using with this build.</summary>
    protected abstract short ExpectedApiVersionsVersion { get; }

    /// <summary>The Metadata version both sides support with this build.</summary>
    protected abstract short ExpectedMetadataVersion { get; }

    private MockKafkaCluster StartCluster(int brokers)
    {
        Prerequisites.RequireLibrary(Build);
        return MockKafkaCluster.Start(brokers, Build);
    }

    private static BrokerEndpoint FirstBroker(MockKafkaCluster cluster) => BootstrapServers.Parse(cluster.BootstrapServers)[0];

    private static Task<KafkaConnection> Connect(MockKafkaCluster cluster, KafkaClientOptions? options = null)
        => KafkaClient.ConnectToBrokerAsync(FirstBroker(cluster), options, TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);

    [Fact]
    public async Task C2_connects_negotiates_and_sends_Metadata_at_the_highest_common_version()
    {
        using var cluster = StartCluster(3);
        cluster.CreateTopic("orders", 4, 3);
        await using var connection = await Connect(cluster);

        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
        Assert.True(connection.ApiVersions!.TryPick(ApiKey.ApiVersions, out var apiVersions));
        Assert.Equal(ExpectedApiVersionsVersion, apiVersions);
        Assert.True(connection.ApiVersions.TryPick(ApiKey.Metadata, out var metadataVersion));
        Assert.Equal(ExpectedMetadataVersion, metadataVersion);

        var metadata = await connection.SendAsync(new MetadataRequest { Topics = [new() { Name = "orders" }] }, TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.Equal(3, metadata.Brokers.Count);
        var topic = Assert.Single(metadata.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(4, topic.Partitions.Count);
    }

    [Fact]
    public async Task C2_every_api_lands_on_the_highest_version_both_sides_support()
    {
        using var cluster = StartCluster(1);
        await using var connection = await Connect(cluster);
        var table = connection.ApiVersions!;
        var checkedApis = 0;
        foreach (var api in KafkaApis.All)
        {
            if (table.BrokerRange(api.ApiKey) is not { } broker)
            {
                continue;
            }

            var high = Math.Min(broker.Highest, api.Versions.Highest);
            if (high < Math.Max(broker.Lowest, api.Versions.Lowest))
            {
                // No overlap (e.g. 2.15.1 offers ShareGroupHeartbeat v1, newer than RxKafka's v0).
                Assert.False(table.TryPick(api.ApiKey, out _), $"{api.Name}: picked a version outside both ranges");
                continue;
            }

            Assert.True(table.TryPick(api.ApiKey, out var picked), $"{api.Name}: no common version with {broker}");
            Assert.Equal(high, picked);
            AssertPicked(api, picked);
            checkedApis++;
        }

        Assert.True(checkedApis >= 10, $"only {checkedApis} APIs offered");
    }

    /// <summary>Build-specific checks of a picked version.</summary>
    protected virtual void AssertPicked(ApiDescriptor api, short version)
    {
    }

    [Fact]
    public async Task C5_a_thousand_pipelined_requests_are_all_answered_in_order()
    {
        using var cluster = StartCluster(1);
        await using var connection = await Connect(cluster);
        var requests = Enumerable.Range(0, 1000).Select(_ => connection.SendAsync(new MetadataRequest { Topics = [] }, TestContext.Current.CancellationToken)).ToList();
        // The tasks complete in response order, and their continuations run on the thread pool, not on
        // the reader: each continuation checks that every earlier task was complete before its own.
        var outOfOrder = new List<int>();
        var continuations = requests.Select((task, index) => task.ContinueWith(
            _ =>
            {
                if (requests.Take(index).Any(earlier => !earlier.IsCompleted))
                {
                    lock (outOfOrder)
                    {
                        outOfOrder.Add(index);
                    }
                }
            },
            TaskContinuationOptions.ExecuteSynchronously)).ToList();

        var responses = await Task.WhenAll(requests).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        await Task.WhenAll(continuations).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.All(responses, r => Assert.Single(r.Brokers));
        Assert.Empty(outOfOrder);
        // The ApiVersions answers (v4, v3 refused with error 35, then the one that worked) + 1000.
        Assert.Equal(1000 + (4 - ExpectedApiVersionsVersion + 1), connection.GetMetrics().FramesReceived);
    }

    [Fact]
    public async Task C9_a_broker_set_down_mid_request_closes_with_ConnectionBroken_and_fails_pending_requests()
    {
        using var cluster = StartCluster(1);
        await using var connection = await Connect(cluster);
        cluster.SetBrokerRtt(1, TimeSpan.FromSeconds(5)); // keep the next request pending
        var pending = connection.SendAsync(new MetadataRequest { Topics = [] }, TestContext.Current.CancellationToken);
        cluster.SetBrokerDown(1);
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => pending.WaitAsync(Deadline, TestContext.Current.CancellationToken));
        Assert.Equal(CloseReason.ConnectionBroken, error.Reason);
        Assert.Equal(CloseReason.ConnectionBroken, connection.CurrentState.Reason);
    }

    [Fact]
    public async Task C6_an_RTT_above_the_request_timeout_closes_with_ConnectionTimeout()
    {
        using var cluster = StartCluster(1);
        await using var connection = await Connect(cluster, new KafkaClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        cluster.SetBrokerRtt(1, TimeSpan.FromSeconds(3));
        var pending = connection.SendAsync(new MetadataRequest { Topics = [] }, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<RequestTimedOutException>(() => pending.WaitAsync(Deadline, TestContext.Current.CancellationToken));
        Assert.Equal(CloseReason.ConnectionTimeout, connection.CurrentState.Reason);
    }

    [Fact]
    public async Task C2_an_api_the_broker_does_not_offer_fails_fast_naming_it()
    {
        using var cluster = StartCluster(1);
        await using var connection = await Connect(cluster);
        var missing = KafkaApis.All.First(a => a.Routing != RequestRouting.InterBroker && connection.ApiVersions!.BrokerRange(a.ApiKey) is null);
        var error = await Assert.ThrowsAsync<UnsupportedVersionException>(() => connection.SendAsync((dynamic)missing.CreateRequest(), TestContext.Current.CancellationToken));
        Assert.Contains(missing.Name, error.Message);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public async Task C2_a_narrowed_version_range_is_honoured()
    {
        using var cluster = StartCluster(1);
        cluster.SetApiVersion(ApiKey.Metadata, 0, 1);
        await using var connection = await Connect(cluster);
        Assert.True(connection.ApiVersions!.TryPick(ApiKey.Metadata, out var version));
        Assert.Equal(1, version);
        var metadata = await connection.SendAsync(new MetadataRequest { Topics = [] }, TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.Single(metadata.Brokers);
    }

    [Fact]
    public async Task C1_an_unreachable_broker_gives_KafkaConnectionException_naming_host_and_port()
    {
        using var cluster = StartCluster(1);
        var endpoint = FirstBroker(cluster);
        cluster.SetBrokerDown(1);
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaClient.ConnectToBrokerAsync(endpoint, cancellationToken: TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken));
        Assert.Contains(endpoint.ToString(), error.Message);
    }
}

/// <summary>Debian's librdkafka1 2.0.2: ApiVersions v0-2, Metadata v0-2, nothing flexible.</summary>
public sealed class Debian202ConnectionTests : ConnectionTests
{
    protected override MockBuild Build => MockBuild.Debian202;

    protected override short ExpectedApiVersionsVersion => 2;

    protected override short ExpectedMetadataVersion => 2;

    // 2.0.2 has no flexible versions except InitProducerId: every API lands on an older, non-flexible range.
    protected override void AssertPicked(ApiDescriptor api, short version)
    {
        if (api.ApiKey != ApiKey.InitProducerId)
        {
            Assert.False(api.IsFlexible(version), $"{api.Name} v{version} is flexible");
        }

        if (api.ApiKey == ApiKey.Produce)
        {
            Assert.Equal(7, version);
        }

        if (api.ApiKey == ApiKey.Fetch)
        {
            Assert.Equal(11, version);
        }
    }
}

/// <summary>librdkafka 2.15.1 from source: answers ApiVersions v3+ with error 35 and a body that is not v0.</summary>
public sealed class Redist2151ConnectionTests : ConnectionTests
{
    protected override MockBuild Build => MockBuild.Redist2151;

    protected override short ExpectedApiVersionsVersion => 2;

    protected override short ExpectedMetadataVersion => 12;

    [Fact]
    public async Task TLS_through_the_terminator_verifies_the_test_CA_and_refuses_a_wrong_name_or_an_untrusted_certificate()
    {
        Prerequisites.RequireLibrary(Build);
        Prerequisites.RequireTls();
        using var cluster = MockKafkaCluster.Start(1, Build);
        using var terminator = StunnelTerminator.StartFor(cluster, 1);
        var ca = new X509Certificate2Collection { X509CertificateLoader.LoadCertificateFromFile(terminator.CaCertificatePath) };
        var endpoint = new BrokerEndpoint("localhost", terminator.Port);
        var ct = TestContext.Current.CancellationToken;

        await using (var connection = await KafkaClient.ConnectToBrokerAsync(endpoint, Tls(new TlsOptions { TrustedCertificateAuthorities = ca }), ct).WaitAsync(TimeSpan.FromSeconds(20), ct))
        {
            var metadata = await connection.SendAsync(new MetadataRequest { Topics = [] }, ct).WaitAsync(TimeSpan.FromSeconds(20), ct);
            Assert.Equal(terminator.Port, Assert.Single(metadata.Brokers).Port); // the mock advertises the terminator
        }

        var wrongName = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaClient.ConnectToBrokerAsync(endpoint, Tls(new TlsOptions { TrustedCertificateAuthorities = ca, TargetHost = "not-the-broker.example" }), ct));
        Assert.Contains("name", wrongName.Message, StringComparison.OrdinalIgnoreCase);

        var untrusted = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaClient.ConnectToBrokerAsync(endpoint, Tls(TlsOptions.Default), ct));
        Assert.Contains("trust", untrusted.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static KafkaClientOptions Tls(TlsOptions tls) => new() { SecurityProtocol = SecurityProtocol.Ssl, Tls = tls };
}
