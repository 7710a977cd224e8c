using System.Buffers;
using System.Net;
using System.Net.Security;
using RxKafka.IntegrationTests.Support;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Gssapi;
using RxKafka.Testing.Kerberos;

namespace RxKafka.IntegrationTests.Sasl;

/// <summary>
/// The GSSAPI exchanges that <see cref="GssapiKdcTests"/> runs in child processes started with the
/// MIT Kerberos environment of a live <see cref="MiniKdc"/> (KRB5_CONFIG, KRB5CCNAME, KRB5_KTNAME).
/// Explicit: the ordinary run never starts them; run alone, without that environment, they skip.
/// </summary>
/// <remarks>
/// The server side is what a Kafka broker's GSSAPI SaslServer does, with .NET's own acceptor:
/// <see cref="NegotiateAuthentication"/> accepting Kerberos with the service keytab, then the RFC 4752
/// security-layer step: it wraps a 4-octet offer, unwraps the client's wrapped answer and checks it.
/// </remarks>
public sealed class GssapiKdcExchanges
{
    private static readonly SaslContext Broker = new("127.0.0.1", 9092, IsTls: false);

    // The broker's offer: every layer (none | integrity | confidentiality), maximum message size 65536.
    private static readonly byte[] ServerOffer = [0x07, 0x01, 0x00, 0x00];

    [Fact(Explicit = true)]
    public async Task Ticket_holder_authenticates_to_the_kafka_service_and_picks_no_security_layer()
    {
        RequireChild();
        using var client = new GssapiMechanism("kafka", hostOverride: "localhost").CreateAuthenticator(Broker);
        using var server = NewServer();

        var clientAnswer = await RunExchangeAsync(client, server);

        Assert.True(server.IsAuthenticated);
        Assert.Equal("Kerberos", server.Package);
        Assert.Equal(MiniKdc.ClientPrincipal, server.RemoteIdentity.Name);
        Assert.True(client.IsComplete);

        // RFC 4752 3.1: "no security layer" (0x01) and a maximum size of 0, no authorization identity.
        Assert.Equal([0x01, 0x00, 0x00, 0x00], clientAnswer);
    }

    [Fact(Explicit = true)]
    public async Task Password_credential_authenticates_without_a_ticket_cache()
    {
        RequireChild();
        var password = File.ReadAllText(MiniKdc.ClientPasswordPath).Trim();
        var credential = new NetworkCredential("client", password, MiniKdc.Realm);
        using var client = new GssapiMechanism("kafka", hostOverride: "localhost", credential).CreateAuthenticator(Broker);
        using var server = NewServer();

        var clientAnswer = await RunExchangeAsync(client, server);

        Assert.Equal(MiniKdc.ClientPrincipal, server.RemoteIdentity.Name);
        Assert.True(client.IsComplete);
        Assert.Equal([0x01, 0x00, 0x00, 0x00], clientAnswer);
    }

    [Fact(Explicit = true)]
    public async Task Client_without_a_ticket_fails_with_an_AuthenticationException_naming_GSSAPI()
    {
        RequireChild();
        using var client = new GssapiMechanism("kafka", hostOverride: "localhost").CreateAuthenticator(Broker);

        var error = await Assert.ThrowsAsync<AuthenticationException>(async () => await client.InitialResponseAsync(CancellationToken.None));

        Assert.StartsWith("GSSAPI:", error.Message, StringComparison.Ordinal);
        Assert.Contains("kafka/localhost", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsComplete);
    }

    [Fact(Explicit = true)]
    public async Task Ticket_holder_asking_for_a_service_the_KDC_does_not_know_fails_with_an_AuthenticationException()
    {
        RequireChild();
        using var client = new GssapiMechanism("kafka", hostOverride: "no-such-broker").CreateAuthenticator(Broker);

        var error = await Assert.ThrowsAsync<AuthenticationException>(async () => await client.InitialResponseAsync(CancellationToken.None));

        Assert.StartsWith("GSSAPI:", error.Message, StringComparison.Ordinal);
        Assert.Contains("kafka/no-such-broker", error.Message, StringComparison.Ordinal);
    }

    private static void RequireChild()
    {
        if (!ChildTestRun.IsChild)
        {
            Assert.Skip($"runs only in a child process that {nameof(GssapiKdcTests)} starts with a live KDC's Kerberos environment");
        }
    }

    // The acceptor: default credentials are the keys in KRB5_KTNAME (the service keytab).
    private static NegotiateAuthentication NewServer() => new(new NegotiateAuthenticationServerOptions
    {
        Package = "Kerberos",
        Credential = CredentialCache.DefaultNetworkCredentials,
        RequiredProtectionLevel = ProtectionLevel.None,
    });

    /// <summary>
    /// Shuttles tokens as a broker would: context tokens until the acceptor completes (its last token, if any,
    /// goes to the client, whose answer must then be empty), then the wrapped security-layer offer and the
    /// client's wrapped answer. Returns the unwrapped answer.
    /// </summary>
    private static async Task<byte[]> RunExchangeAsync(ISaslAuthenticator client, NegotiateAuthentication server)
    {
        var toServer = await client.InitialResponseAsync(CancellationToken.None);
        Assert.False(toServer.IsEmpty, "the client's first GSSAPI message must be its Kerberos AP-REQ token");

        for (var round = 1; ; round++)
        {
            Assert.True(round <= 10, "the Kerberos context did not complete within 10 rounds");
            var toClient = server.GetOutgoingBlob(toServer.Span, out var status);
            if (status == NegotiateAuthenticationStatusCode.ContinueNeeded)
            {
                toServer = Require(await client.EvaluateChallengeAsync(toClient, CancellationToken.None), "a context token");
                continue;
            }

            Assert.True(status == NegotiateAuthenticationStatusCode.Completed, $"the acceptor rejected the client's token: {status}");
            if (toClient is { Length: > 0 })
            {
                // Mutual authentication: the AP-REP. The client checks it and answers with an empty message.
                var afterContext = Require(await client.EvaluateChallengeAsync(toClient, CancellationToken.None), "the message after the AP-REP");
                Assert.True(afterContext.IsEmpty, $"after the AP-REP the client must send an empty message, not {afterContext.Length} bytes");
            }

            break;
        }

        Assert.False(client.IsComplete, "the client must wait for the security-layer step");
        var wrappedOffer = new ArrayBufferWriter<byte>();
        Assert.Equal(NegotiateAuthenticationStatusCode.Completed, server.Wrap(ServerOffer, wrappedOffer, requestEncryption: false, out _));

        var wrappedAnswer = Require(await client.EvaluateChallengeAsync(wrappedOffer.WrittenMemory, CancellationToken.None), "the security-layer answer");
        var answer = new ArrayBufferWriter<byte>();
        Assert.Equal(NegotiateAuthenticationStatusCode.Completed, server.Unwrap(wrappedAnswer.Span, answer, out var wasEncrypted));
        Assert.False(wasEncrypted, "the security-layer answer is wrapped for integrity only");
        return answer.WrittenSpan.ToArray();
    }

    private static ReadOnlyMemory<byte> Require(ReadOnlyMemory<byte>? message, string what)
    {
        Assert.True(message.HasValue, $"the client sent nothing where {what} was due");
        return message.Value;
    }
}
