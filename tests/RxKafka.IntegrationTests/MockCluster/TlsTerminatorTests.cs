using System.Net.Security;
using System.Net.Sockets;
using TlsAuthenticationException = System.Security.Authentication.AuthenticationException;
using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.MockCluster;

/// <summary>
/// TLS in front of a mock broker: stunnel with the set-up's test certificates. Each build runs
/// every test (the subclasses); advertising the terminator needs 2.15.1.
/// </summary>
public abstract class TlsTerminatorTests
{
    protected abstract MockBuild Build { get; }

    protected MockKafkaCluster StartCluster(int brokers)
    {
        Prerequisites.RequireLibrary(Build);
        Prerequisites.RequireTls();
        return MockKafkaCluster.Start(brokers, Build);
    }

    /// <summary>Opens TLS to the terminator, validating against the test CA alone, for <paramref name="targetHost"/>.</summary>
    private protected static RawKafkaConnection ConnectTls(StunnelTerminator terminator, string targetHost, int? port = null)
    {
        var client = new TcpClient { NoDelay = true, ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        try
        {
            client.Connect("127.0.0.1", port ?? terminator.Port);
            var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            tls.AuthenticateAsClient(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                CertificateChainPolicy = terminator.Certificates.CreateChainPolicy(),
            });
            return new RawKafkaConnection(tls, client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    [Fact]
    public void TLS_to_the_terminator_validates_against_the_test_CA_and_reaches_the_broker()
    {
        using var cluster = StartCluster(1);
        using var terminator = StunnelTerminator.Start(cluster.GetBrokerListener(1));

        using var connection = ConnectTls(terminator, "localhost");
        var response = connection.Send(new ApiVersionsRequest(), 0);

        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == (short)ApiKey.Metadata);
        Assert.Equal(TlsTestCertificate.Server, terminator.ServedCertificate);
        Assert.Equal(cluster.GetBrokerListener(1).Port, terminator.Target.Port);
    }

    [Fact]
    public void TLS_validates_the_IP_address_name_too()
    {
        using var cluster = StartCluster(1);
        using var terminator = StunnelTerminator.Start(cluster.GetBrokerListener(1));

        using var connection = ConnectTls(terminator, "127.0.0.1");

        Assert.Equal((short)ErrorCode.None, connection.Send(new ApiVersionsRequest(), 0).ErrorCode);
    }

    [Fact]
    public void TLS_refuses_a_wrong_host_name()
    {
        using var cluster = StartCluster(1);
        using var terminator = StunnelTerminator.Start(cluster.GetBrokerListener(1));

        var error = Assert.Throws<TlsAuthenticationException>(() => ConnectTls(terminator, "kafka.example.com").Dispose());

        Assert.Contains("RemoteCertificateNameMismatch", error.Message);
        Assert.DoesNotContain("UntrustedRoot", error.Message);
    }

    [Fact]
    public void TLS_refuses_the_untrusted_certificate()
    {
        using var cluster = StartCluster(1);
        using var terminator = StunnelTerminator.Start(cluster.GetBrokerListener(1), TlsTestCertificate.Untrusted);

        var error = Assert.Throws<TlsAuthenticationException>(() => ConnectTls(terminator, "localhost").Dispose());

        // Same names as the server certificate: only trust fails.
        Assert.Contains("UntrustedRoot", error.Message);
        Assert.DoesNotContain("RemoteCertificateNameMismatch", error.Message);
    }

    [Fact]
    public void Dispose_stops_the_terminator()
    {
        using var cluster = StartCluster(1);
        var terminator = StunnelTerminator.Start(cluster.GetBrokerListener(1));
        var port = terminator.Port;

        terminator.Dispose();

        using var probe = new TcpClient();
        Assert.Throws<SocketException>(() => probe.Connect("127.0.0.1", port));
    }
}

public sealed class Debian202TlsTerminatorTests : TlsTerminatorTests
{
    protected override MockBuild Build => MockBuild.Debian202;

    [Fact]
    public void StartFor_needs_set_host_port_and_says_so()
    {
        using var cluster = StartCluster(1);

        var error = Assert.Throws<NotSupportedException>(() => StunnelTerminator.StartFor(cluster, 1).Dispose());

        Assert.Contains("2.0.2", error.Message);
    }
}

public sealed class Redist2151TlsTerminatorTests : TlsTerminatorTests
{
    protected override MockBuild Build => MockBuild.Redist2151;

    [Fact]
    public void StartFor_makes_Metadata_advertise_the_terminator_and_a_client_can_follow_it()
    {
        using var cluster = StartCluster(2);
        using var terminator = StunnelTerminator.StartFor(cluster, 2);
        using var bootstrapTls = StunnelTerminator.Start(cluster.GetBrokerListener(1));
        using var bootstrap = ConnectTls(bootstrapTls, "localhost");

        var metadata = bootstrap.Send(new MetadataRequest { Topics = null }, 1);

        var advertised = metadata.Brokers.Single(b => b.NodeId == 2);
        Assert.Equal(("localhost", terminator.Port), (advertised.Host, advertised.Port));
        // Follow the advertised address: TLS to broker 2 through its terminator.
        using var followed = ConnectTls(terminator, advertised.Host, advertised.Port);
        Assert.Equal((short)ErrorCode.None, followed.Send(new ApiVersionsRequest(), 0).ErrorCode);
    }
}
