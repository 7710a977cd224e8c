using System.Buffers;
using System.Net;
using System.Net.Security;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Gssapi;

namespace RxKafka.Tests.Network.Sasl;

public sealed class GssapiMechanismTests
{
    private static readonly SaslContext Broker = new("broker-1.example", 9092, IsTls: false);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(new byte[] { 0x07, 0x01, 0x00, 0x00 }, 0x07, 65536)]
    [InlineData(new byte[] { 0x01, 0xFF, 0xFF, 0xFF }, 0x01, 16777215)]
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x00 }, 0x01, 0)]
    [InlineData(new byte[] { 0x06, 0x00, 0x10, 0x00 }, 0x06, 4096)]
    public void Server_offer_is_a_layer_mask_and_a_three_byte_big_endian_size(byte[] offer, byte layers, int maxSize) // C3
    {
        Assert.Equal((layers, maxSize), GssapiSecurityLayer.ParseServerOffer(offer));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x01, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x00, 0x00 })]
    public void A_server_offer_that_is_not_four_bytes_is_an_authentication_error(byte[] offer) // C3
    {
        var e = Assert.Throws<AuthenticationException>(() => GssapiSecurityLayer.ParseServerOffer(offer));

        Assert.Contains($"is {offer.Length} bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("GSSAPI", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_reply_picks_no_security_layer_with_size_zero() // C3
    {
        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x00 }, GssapiSecurityLayer.BuildClientReply(0x07, authorizationId: null));
        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x00 }, GssapiSecurityLayer.BuildClientReply(0x01, authorizationId: null));
    }

    [Fact]
    public void Client_reply_appends_the_UTF8_authorization_id() // C3
    {
        byte[] reply = GssapiSecurityLayer.BuildClientReply(0x01, "kafka-ü");

        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x00, 0x6B, 0x61, 0x66, 0x6B, 0x61, 0x2D, 0xC3, 0xBC }, reply);
    }

    [Theory]
    [InlineData(0x06, "integrity, confidentiality (mask 0x06)")]
    [InlineData(0x02, "integrity (mask 0x02)")]
    [InlineData(0x00, "(none at all: mask 0x00)")]
    public void A_server_that_requires_a_security_layer_is_refused(byte layers, string described) // C3
    {
        var e = Assert.Throws<AuthenticationException>(() => GssapiSecurityLayer.BuildClientReply(layers, null));

        Assert.Contains(described, e.Message, StringComparison.Ordinal);
        Assert.Contains("no security layer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Full_exchange_with_a_scripted_context_ends_with_the_wrapped_layer_reply() // C3
    {
        var gss = new ScriptedGssContext();
        gss.Steps.Enqueue((Incoming: [], Outgoing: [0xA1, 0xA2], NegotiateAuthenticationStatusCode.ContinueNeeded)); // AP-REQ
        gss.Steps.Enqueue((Incoming: [0xB1], Outgoing: null, NegotiateAuthenticationStatusCode.Completed)); // AP-REP, nothing to send
        using var auth = Mechanism(gss).CreateAuthenticator(Broker);

        var initial = await auth.InitialResponseAsync(Ct);
        var afterApRep = await auth.EvaluateChallengeAsync(new byte[] { 0xB1 }, Ct);
        Assert.False(auth.IsComplete);
        var layerReply = await auth.EvaluateChallengeAsync(ScriptedGssContext.WrapBytes([0x07, 0x00, 0x10, 0x00]), Ct);

        Assert.Equal(new byte[] { 0xA1, 0xA2 }, initial.ToArray());
        Assert.NotNull(afterApRep);
        Assert.True(afterApRep.Value.IsEmpty);
        Assert.NotNull(layerReply);
        Assert.Equal(ScriptedGssContext.WrapBytes([0x01, 0x00, 0x00, 0x00]), layerReply.Value.ToArray());
        Assert.True(auth.IsComplete);
        Assert.Empty(gss.Steps);
    }

    [Fact]
    public async Task A_Kerberos_failure_status_names_GSSAPI_the_principal_and_the_status() // C3
    {
        var gss = new ScriptedGssContext();
        gss.Steps.Enqueue((Incoming: [], Outgoing: null, NegotiateAuthenticationStatusCode.UnknownCredentials));
        using var auth = Mechanism(gss).CreateAuthenticator(Broker);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await auth.InitialResponseAsync(Ct));

        Assert.Contains("GSSAPI", e.Message, StringComparison.Ordinal);
        Assert.Contains("kafka/broker-1.example", e.Message, StringComparison.Ordinal);
        Assert.Contains("UnknownCredentials", e.Message, StringComparison.Ordinal);
        Assert.False(auth.IsComplete);
    }

    [Fact]
    public async Task A_layer_offer_that_cannot_be_unwrapped_fails()
    {
        var gss = new ScriptedGssContext();
        gss.Steps.Enqueue((Incoming: [], Outgoing: [0xA1], NegotiateAuthenticationStatusCode.Completed));
        using var auth = Mechanism(gss).CreateAuthenticator(Broker);
        await auth.InitialResponseAsync(Ct);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await auth.EvaluateChallengeAsync(new byte[] { 0x00, 0x01 }, Ct)); // no "W" prefix

        Assert.Contains("could not unwrap", e.Message, StringComparison.Ordinal);
        Assert.Contains("MessageAltered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ask_for_Kerberos_the_service_principal_and_no_protection() // C3
    {
        var captured = new List<NegotiateAuthenticationClientOptions>();
        var credential = new NetworkCredential("alice", "pw", "EXAMPLE.COM");
        IGssContext Factory(NegotiateAuthenticationClientOptions o)
        {
            captured.Add(o);
            return new ScriptedGssContext();
        }

        new GssapiMechanism("kafka", null, null, Factory).CreateAuthenticator(Broker).Dispose();
        new GssapiMechanism("svc", "canonical.example", credential, Factory).CreateAuthenticator(Broker).Dispose();

        Assert.Equal("Kerberos", captured[0].Package);
        Assert.Equal("kafka/broker-1.example", captured[0].TargetName);
        Assert.Equal(ProtectionLevel.None, captured[0].RequiredProtectionLevel);
        Assert.Same(CredentialCache.DefaultNetworkCredentials, captured[0].Credential);
        Assert.Equal("svc/canonical.example", captured[1].TargetName);
        Assert.Same(credential, captured[1].Credential);
    }

    [Fact]
    public void Each_authentication_gets_a_new_context_and_disposing_releases_it() // C4
    {
        var contexts = new List<ScriptedGssContext>();
        var mechanism = new GssapiMechanism("kafka", null, null, _ =>
        {
            var c = new ScriptedGssContext();
            contexts.Add(c);
            return c;
        });

        var first = mechanism.CreateAuthenticator(Broker);
        var second = mechanism.CreateAuthenticator(Broker);
        first.Dispose();

        Assert.Equal(2, contexts.Count);
        Assert.True(contexts[0].Disposed);
        Assert.False(contexts[1].Disposed);
        second.Dispose();
        Assert.True(contexts[1].Disposed);
    }

    [Fact]
    public void A_platform_without_GSSAPI_gives_an_authentication_exception_naming_it() // C3
    {
        var mechanism = new GssapiMechanism("kafka", null, null, _ => throw new DllNotFoundException("libgssapi_krb5.so.2"));

        var e = Assert.Throws<AuthenticationException>(() => mechanism.CreateAuthenticator(Broker));

        Assert.Contains("GSSAPI", e.Message, StringComparison.Ordinal);
        Assert.Contains("libgssapi_krb5.so.2", e.Message, StringComparison.Ordinal);
        Assert.IsType<DllNotFoundException>(e.InnerException);
    }

    [Fact]
    public async Task On_this_machine_without_a_KDC_the_real_platform_fails_cleanly() // C3
    {
        // No Kerberos ticket or KDC exists here: whether the platform library is missing or just has
        // no credentials, the failure must be an AuthenticationException that names GSSAPI.
        var mechanism = new GssapiMechanism();

        var e = await Record.ExceptionAsync(async () =>
        {
            using var auth = mechanism.CreateAuthenticator(new SaslContext("no-such-broker.invalid", 9092, IsTls: false));
            await auth.InitialResponseAsync(Ct);
        });

        var failure = Assert.IsAssignableFrom<AuthenticationException>(e);
        Assert.Contains("GSSAPI", failure.Message, StringComparison.Ordinal);
        Assert.Contains("kafka/no-such-broker.invalid", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kafka/host", null, "serviceName")]
    [InlineData("kafka@REALM", null, "serviceName")]
    [InlineData("", null, "serviceName")]
    [InlineData("kafka", "", "hostOverride")]
    [InlineData("kafka", "h/x", "hostOverride")]
    public void Bad_service_or_host_names_are_rejected(string serviceName, string? host, string param)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new GssapiMechanism(serviceName, host));

        Assert.Equal(param, e.ParamName);
    }

    private static GssapiMechanism Mechanism(ScriptedGssContext gss) => new("kafka", null, null, _ => gss);

    /// <summary>A GSS context that follows a script; "wrapping" prefixes 'W'.</summary>
    private sealed class ScriptedGssContext : IGssContext
    {
        public Queue<(byte[] Incoming, byte[]? Outgoing, NegotiateAuthenticationStatusCode Status)> Steps { get; } = new();

        public bool Disposed { get; private set; }

        public static byte[] WrapBytes(byte[] payload) => [(byte)'W', .. payload];

        public byte[]? GetOutgoingBlob(ReadOnlySpan<byte> incomingBlob, out NegotiateAuthenticationStatusCode statusCode)
        {
            var step = Steps.Dequeue();
            Assert.Equal(step.Incoming, incomingBlob.ToArray());
            statusCode = step.Status;
            return step.Outgoing;
        }

        public NegotiateAuthenticationStatusCode Wrap(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            output.Write(WrapBytes(input.ToArray()));
            return NegotiateAuthenticationStatusCode.Completed;
        }

        public NegotiateAuthenticationStatusCode Unwrap(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            if (input.IsEmpty || input[0] != (byte)'W')
            {
                return NegotiateAuthenticationStatusCode.MessageAltered;
            }

            output.Write(input[1..]);
            return NegotiateAuthenticationStatusCode.Completed;
        }

        public void Dispose() => Disposed = true;
    }
}

public sealed class GssapiPlatformFailureTests
{
    [Fact]
    public async Task A_platform_exception_while_unwrapping_becomes_an_authentication_exception()
    {
        var mechanism = new GssapiMechanism("kafka", null, null, _ => new ThrowingUnwrapContext());
        using var auth = mechanism.CreateAuthenticator(new SaslContext("b", 9092, IsTls: false));
        await auth.InitialResponseAsync(TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync(new byte[] { 1, 2, 3 }, TestContext.Current.CancellationToken));

        Assert.Contains("could not unwrap", e.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.False(auth.IsComplete);
    }

    private sealed class ThrowingUnwrapContext : IGssContext
    {
        public byte[]? GetOutgoingBlob(ReadOnlySpan<byte> incomingBlob, out System.Net.Security.NegotiateAuthenticationStatusCode statusCode)
        {
            statusCode = System.Net.Security.NegotiateAuthenticationStatusCode.Completed;
            return [0xA1];
        }

        public System.Net.Security.NegotiateAuthenticationStatusCode Wrap(ReadOnlySpan<byte> input, System.Buffers.IBufferWriter<byte> output) =>
            throw new InvalidOperationException("not expected");

        public System.Net.Security.NegotiateAuthenticationStatusCode Unwrap(ReadOnlySpan<byte> input, System.Buffers.IBufferWriter<byte> output) =>
            throw new InvalidOperationException("bad token");

        public void Dispose()
        {
        }
    }
}
