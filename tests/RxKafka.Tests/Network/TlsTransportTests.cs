using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using RxKafka.Network;
using RxKafka.Network.Transports;

namespace RxKafka.Tests.Network;

/// <summary>C1 over TLS: an SslStream broker on loopback with an in-memory CA.</summary>
public sealed class TlsTransportTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly Loopback _server = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _server.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task C1_trusted_through_the_custom_authority_bytes_flow_both_ways()
    {
        var factory = new TlsTransportFactory(new TlsOptions { TrustedCertificateAuthorities = [_certificates.Authority] });

        var broker = ServeAsync(requireClientCertificate: false);
        await using var transport = await factory.ConnectAsync(new BrokerEndpoint("localhost", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token);

        var payload = new byte[200_000];
        new Random(11).NextBytes(payload);
        Assert.Equal(payload, await Loopback.RoundTripAsync(transport, payload));
        Assert.Equal($"tls://localhost:{_server.Port}", transport.Description);

        await transport.DisposeAsync();
        var session = await broker.WaitAsync(Loopback.Timeout, Token);
        Assert.Null(session.Error);
    }

    [Fact]
    public async Task C1_TargetHost_overrides_the_name_checked()
    {
        // Connecting by IP, checking the name the certificate carries.
        var factory = new TlsTransportFactory(new TlsOptions
        {
            TrustedCertificateAuthorities = [_certificates.Authority],
            TargetHost = "localhost",
        });

        _ = ServeAsync(requireClientCertificate: false);
        await using var transport = await factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token);

        Assert.Equal("ok"u8.ToArray(), await Loopback.RoundTripAsync(transport, "ok"u8.ToArray()));
    }

    [Fact]
    public async Task C1_a_wrong_TargetHost_is_a_name_mismatch()
    {
        var factory = new TlsTransportFactory(new TlsOptions
        {
            TrustedCertificateAuthorities = [_certificates.Authority],
            TargetHost = "kafka.example.com",
        });

        _ = ServeAsync(requireClientCertificate: false);
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(
            () => factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token));

        Assert.Equal(_server.Port, error.Port);
        Assert.Contains($"127.0.0.1:{_server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not match 'kafka.example.com'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SslPolicyErrors.RemoteCertificateNameMismatch), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not trusted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C1_a_certificate_from_an_unknown_authority_is_not_trusted()
    {
        // Platform validation (the default) does not know the test CA.
        var factory = new TlsTransportFactory();

        _ = ServeAsync(requireClientCertificate: false);
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(
            () => factory.ConnectAsync(new BrokerEndpoint("localhost", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token));

        Assert.Contains("not trusted", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SslPolicyErrors.RemoteCertificateChainErrors), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C1_trusting_another_authority_is_not_enough()
    {
        using var other = TestCertificates.Create("Some Other CA");
        var factory = new TlsTransportFactory(new TlsOptions { TrustedCertificateAuthorities = [other.Authority] });

        _ = ServeAsync(requireClientCertificate: false);
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(
            () => factory.ConnectAsync(new BrokerEndpoint("localhost", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token));

        Assert.Contains("not trusted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C1_a_custom_validation_callback_decides()
    {
        string? seen = null;
        SslPolicyErrors seenErrors = default;
        var accepting = new TlsTransportFactory(new TlsOptions
        {
            ServerCertificateValidation = (_, certificate, _, errors) =>
            {
                seen = certificate?.GetCertHashString(); // the certificate is disposed after the handshake
                seenErrors = errors;
                return true;
            },
        });

        _ = ServeAsync(requireClientCertificate: false);
        await using (var transport = await accepting.ConnectAsync(new BrokerEndpoint("localhost", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token))
        {
            Assert.Equal("x"u8.ToArray(), await Loopback.RoundTripAsync(transport, "x"u8.ToArray()));
        }

        // It accepted a certificate the platform alone would have rejected.
        Assert.Equal(_certificates.Server.Thumbprint, seen);
        Assert.True(seenErrors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors));

        var rejecting = new TlsTransportFactory(new TlsOptions
        {
            TrustedCertificateAuthorities = [_certificates.Authority],
            ServerCertificateValidation = (_, _, _, _) => false,
        });
        _ = ServeAsync(requireClientCertificate: false);
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(
            () => rejecting.ConnectAsync(new BrokerEndpoint("localhost", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token));
        Assert.Contains("rejected by the ServerCertificateValidation callback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C1_a_client_certificate_is_presented_when_the_broker_requires_one()
    {
        var factory = new TlsTransportFactory(new TlsOptions
        {
            TrustedCertificateAuthorities = [_certificates.Authority],
            ClientCertificates = [_certificates.Client],
        });

        var broker = ServeAsync(requireClientCertificate: true);
        await using var transport = await factory.ConnectAsync(new BrokerEndpoint("localhost", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token);
        Assert.Equal("mtls"u8.ToArray(), await Loopback.RoundTripAsync(transport, "mtls"u8.ToArray()));
        await transport.DisposeAsync();

        var session = await broker.WaitAsync(Loopback.Timeout, Token);
        Assert.Null(session.Error);
        Assert.Equal(_certificates.Client.Thumbprint, session.ClientCertificate?.Thumbprint);
    }

    [Fact]
    public async Task C1_a_handshake_with_a_silent_broker_times_out()
    {
        // Accepts the TCP connection and never answers the ClientHello.
        var factory = new TlsTransportFactory(
            new TlsOptions { TrustedCertificateAuthorities = [_certificates.Authority] },
            new SocketOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) });

        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", _server.Port), Token).AsTask();
        using var silent = await _server.AcceptAsync();
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => connecting.WaitAsync(Loopback.Timeout, Token));

        Assert.Contains("TLS handshake timed out after 300 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C1_a_plaintext_port_is_reported_as_a_handshake_failure()
    {
        var factory = new TlsTransportFactory(new TlsOptions { TrustedCertificateAuthorities = [_certificates.Authority] });

        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", _server.Port), Token).AsTask();
        using (var plaintext = await _server.AcceptAsync())
        {
            // A Kafka broker's plaintext listener would not answer a ClientHello with TLS; it closes.
            await plaintext.SendAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0 }, SocketFlags.None, Token);
            plaintext.Shutdown(SocketShutdown.Both);
        }

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => connecting.WaitAsync(Loopback.Timeout, Token));
        Assert.Contains($"127.0.0.1:{_server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("TLS", error.Message, StringComparison.Ordinal);
    }

    private Task<Loopback.TlsSession> ServeAsync(bool requireClientCertificate) =>
        _server.ServeTlsAsync(_certificates.Server, requireClientCertificate);
}
