// Virtual time: tasks are completed by advancing the TestScheduler and checked before .Result is read.
#pragma warning disable xUnit1031, xUnit1051

using System.Buffers;
using System.Net.Security;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;
using RxKafka.Network;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Gssapi;
using RxKafka.Network.Sasl.OAuthBearer;
using RxKafka.Network.Sasl.Scram;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Network;

/// <summary>
/// The full handshake of every SASL mechanism through <see cref="KafkaConnection"/> against a scripted
/// broker that plays the server side for real (C3), and SCRAM re-authentication (C4), in virtual time.
/// </summary>
public sealed class SaslMechanismConnectionTests : ReactiveTest
{
    private const string User = "alice";
    private const string Password = "pencil-Ünïcode-42";
    private static readonly BrokerEndpoint Endpoint = new("broker-1", 9092);
    private readonly TestScheduler _scheduler = new();
    private readonly ScriptedBroker _broker;
    private readonly CapturingLogger _log = new();

    public SaslMechanismConnectionTests() => _broker = new ScriptedBroker(_scheduler);

    private ConnectionOptions Options(ISaslMechanism mechanism) => new() { Scheduler = _scheduler, Sasl = mechanism, Logger = _log };

    private IEnumerable<SaslAuthenticateRequest> Authenticates => _broker.Requests.Select(r => r.Request).OfType<SaslAuthenticateRequest>();

    private int Handshakes => _broker.Requests.Count(r => r.ApiKey == ApiKey.SaslHandshake);

    // ---------------------------------------------------------------- SCRAM (handshake v1)

    private ScramServer ServeScram(string mechanism, long sessionLifetimeMs = 0)
    {
        var server = new ScramServer(mechanism, User, Password);
        _broker.Handler = r => r.Request switch
        {
            SaslHandshakeRequest h => BrokerReply.Respond(new SaslHandshakeResponse
            {
                ErrorCode = h.Mechanism == mechanism ? (short)0 : (short)ErrorCode.UnsupportedSaslMechanism,
                Mechanisms = [mechanism],
            }),
            SaslAuthenticateRequest a => server.Step(a.AuthBytes) switch
            {
                { Failure: { } why } => BrokerReply.Respond(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = why }),
                var step => BrokerReply.Respond(new SaslAuthenticateResponse { AuthBytes = step.Token, SessionLifetimeMs = step.IsFinal ? sessionLifetimeMs : 0 }),
            },
            _ => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromSeconds(5)),
        };
        return server;
    }

    [Theory]
    [InlineData(ScramMechanism.Sha256Name)]
    [InlineData(ScramMechanism.Sha512Name)]
    public void C3_scram_completes_a_real_exchange_with_the_broker(string mechanism)
    {
        var server = ServeScram(mechanism);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(new ScramMechanism(mechanism, User, Password)));

        // ApiVersions answered at tick 1, SaslHandshake at 2, client-first at 3, client-final at 4.
        _scheduler.AdvanceBy(3);
        Assert.False(task.IsCompleted);
        _scheduler.AdvanceBy(1);
        Assert.True(task.IsCompletedSuccessfully, task.Exception?.InnerException?.ToString());
        Assert.Equal(ConnectionStatus.Ready, task.Result.CurrentState.Status);

        Assert.Equal([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate, ApiKey.SaslAuthenticate], _broker.Requests.Select(r => r.ApiKey));
        Assert.Equal(mechanism, ((SaslHandshakeRequest)_broker.Requests[1].Request).Mechanism);
        Assert.Equal(1, server.Successes); // the server verified the client proof
        Assert.StartsWith("n,,n=alice,r=", Assert.Single(server.ClientFirstMessages));
        Assert.All(Authenticates, a => Assert.DoesNotContain("pencil", Encoding.UTF8.GetString(a.AuthBytes))); // the password never travels

        // The authenticated connection carries ordinary requests.
        var metadata = task.Result.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.True(metadata.IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData(ScramMechanism.Sha256Name)]
    [InlineData(ScramMechanism.Sha512Name)]
    public void C3_scram_with_a_wrong_password_fails_with_AuthenticationException_and_closes_with_AuthFailure(string mechanism)
    {
        var server = ServeScram(mechanism);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(new ScramMechanism(mechanism, User, "not-the-password")));
        _scheduler.AdvanceBy(4);

        var e = Assert.IsType<AuthenticationException>(task.Exception?.InnerException);
        Assert.Contains("invalid credentials", e.Message); // the broker's ErrorMessage reaches the user
        Assert.Contains(mechanism, e.Message);
        Assert.Equal(0, server.Successes);
        Assert.Equal(2, Authenticates.Count());
        AssertClosedWithAuthFailure();
    }

    [Theory]
    [InlineData(ScramMechanism.Sha256Name)]
    [InlineData(ScramMechanism.Sha512Name)]
    public void C3_scram_refuses_a_broker_whose_server_signature_is_wrong(string mechanism)
    {
        var server = ServeScram(mechanism);
        server.SendWrongServerSignature = true;
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(new ScramMechanism(mechanism, User, Password)));
        _scheduler.AdvanceBy(4);

        // The broker accepted the client; the client must still refuse a broker that cannot prove it holds the credential.
        Assert.Equal(1, server.Successes);
        var e = Assert.IsType<AuthenticationException>(task.Exception?.InnerException);
        Assert.Contains("server signature", e.Message);
        AssertClosedWithAuthFailure();
    }

    [Fact]
    public void C3_scram_server_error_invalid_proof_fails_with_AuthenticationException()
    {
        var server = ServeScram(ScramMechanism.Sha256Name);
        server.RejectProofWithServerError = true;
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(ScramMechanism.Sha256(User, "wrong")));
        _scheduler.AdvanceBy(4);

        var e = Assert.IsType<AuthenticationException>(task.Exception?.InnerException);
        Assert.Contains("invalid-proof", e.Message);
        AssertClosedWithAuthFailure();
    }

    [Fact]
    public void C3_scram_mechanism_the_broker_does_not_enable_is_refused_at_the_handshake()
    {
        ServeScram(ScramMechanism.Sha512Name);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(ScramMechanism.Sha256(User, Password)));
        _scheduler.AdvanceBy(2);

        var e = Assert.IsType<UnsupportedSaslMechanismException>(task.Exception?.InnerException);
        Assert.Contains("SCRAM-SHA-256", e.Message);
        Assert.Contains("SCRAM-SHA-512", e.Message); // what the broker offers
        Assert.Empty(Authenticates);
        Assert.True(Assert.Single(_broker.Connections).IsDisposed);
    }

    // ---------------------------------------------------------------- SCRAM re-authentication (C4)

    [Fact]
    public void C4_scram_reauthenticates_at_90_percent_of_the_session_with_a_fresh_nonce_and_requests_in_flight_survive()
    {
        var server = ServeScram(ScramMechanism.Sha256Name, sessionLifetimeMs: 30_000);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(ScramMechanism.Sha256(User, Password)));
        _scheduler.AdvanceBy(4);
        var connection = task.Result;
        var authenticatedAt = _scheduler.Clock;

        // Metadata sent at 25 s is answered 5 s later, across the re-authentication that starts at 27 s.
        _scheduler.AdvanceTo(authenticatedAt + TimeSpan.FromSeconds(25).Ticks);
        var inFlight = connection.SendAsync(new MetadataRequest());

        _scheduler.AdvanceTo(authenticatedAt + TimeSpan.FromSeconds(27).Ticks - 1);
        Assert.Equal(1, Handshakes);
        _scheduler.AdvanceBy(1);
        Assert.Equal(2, Handshakes);

        // A request sent while the re-authentication is under way.
        var during = connection.SendAsync(new MetadataRequest());
        Assert.False(inFlight.IsCompleted);

        // The broker answers in order: Metadata at 30 s, then the handshake; the SCRAM rounds follow.
        _scheduler.AdvanceTo(authenticatedAt + TimeSpan.FromSeconds(30).Ticks);
        Assert.True(inFlight.IsCompletedSuccessfully);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.True(during.IsCompletedSuccessfully);
        Assert.Equal(2, server.Successes);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);

        // Each authentication uses a fresh client nonce.
        Assert.Equal(2, server.ClientFirstMessages.Count);
        Assert.NotEqual(server.ClientFirstMessages[0], server.ClientFirstMessages[1]);
        Assert.All(server.ClientFirstMessages, m => Assert.StartsWith("n,,n=alice,r=", m));

        // And the session after that is renewed too.
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(30).Ticks);
        Assert.Equal(3, server.Successes);
        Assert.Equal(3, server.ClientFirstMessages.Distinct().Count());
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public void C4_scram_reauthentication_refused_by_the_server_signature_closes_with_AuthFailure()
    {
        var server = ServeScram(ScramMechanism.Sha512Name, sessionLifetimeMs: 30_000);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(ScramMechanism.Sha512(User, Password)));
        _scheduler.AdvanceBy(4);
        var connection = task.Result;
        server.SendWrongServerSignature = true;

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(27).Ticks + 3);
        Assert.Equal(CloseReason.AuthFailure, connection.CurrentState.Reason);
        Assert.Contains("server signature", connection.CurrentState.Error!.Message);
    }

    // ---------------------------------------------------------------- SCRAM over SaslHandshake v0 (raw tokens)

    private void OfferOnlyHandshakeV0() => _broker.ApiVersionsOverride = _ => BrokerReply.Respond(new ApiVersionsResponse
    {
        ApiKeys =
        [
            new() { ApiKey = (short)ApiKey.ApiVersions, MaxVersion = 2 },
            new() { ApiKey = (short)ApiKey.SaslHandshake, MaxVersion = 0 },
            new() { ApiKey = (short)ApiKey.Metadata, MaxVersion = 5 },
        ],
    });

    private static RawTokenReply RawScram(ScramServer server, byte[] token) => server.Step(token) switch
    {
        { Failure: not null } => RawTokenReply.Close, // without Kafka framing a broker can only hang up
        { IsFinal: true } step => RawTokenReply.Final(step.Token),
        var step => RawTokenReply.Challenge(step.Token),
    };

    [Theory]
    [InlineData(ScramMechanism.Sha256Name)]
    [InlineData(ScramMechanism.Sha512Name)]
    public void C3_scram_over_handshake_v0_exchanges_raw_tokens_for_both_rounds(string mechanism)
    {
        OfferOnlyHandshakeV0();
        var server = ServeScram(mechanism);
        _broker.RawTokenExchange = token => RawScram(server, token);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(new ScramMechanism(mechanism, User, Password)));
        _scheduler.AdvanceBy(3);
        Assert.False(task.IsCompleted);
        _scheduler.AdvanceBy(1);

        Assert.True(task.IsCompletedSuccessfully, task.Exception?.InnerException?.ToString());
        Assert.Equal(1, server.Successes);
        Assert.Equal(0, _broker.Requests[1].Version);
        Assert.Equal([ApiKey.ApiVersions, ApiKey.SaslHandshake], _broker.Requests.Select(r => r.ApiKey)); // no SaslAuthenticate frames
        Assert.Equal(2, _broker.RawTokens.Count);
        Assert.StartsWith("n,,n=alice,r=", Encoding.UTF8.GetString(_broker.RawTokens[0]));
        Assert.StartsWith("c=biws,r=", Encoding.UTF8.GetString(_broker.RawTokens[1]));

        // Afterwards frames are Kafka requests and responses again.
        var metadata = task.Result.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.True(metadata.IsCompletedSuccessfully);
        Assert.Equal(ApiKey.Metadata, _broker.Requests[^1].ApiKey);
    }

    [Fact]
    public void C3_scram_over_handshake_v0_refuses_a_wrong_server_signature()
    {
        OfferOnlyHandshakeV0();
        var server = ServeScram(ScramMechanism.Sha256Name);
        server.SendWrongServerSignature = true;
        _broker.RawTokenExchange = token => RawScram(server, token);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(ScramMechanism.Sha256(User, Password)));
        _scheduler.AdvanceBy(4);

        var e = Assert.IsType<AuthenticationException>(task.Exception?.InnerException);
        Assert.Contains("server signature", e.Message);
        AssertClosedWithAuthFailure();
    }

    [Fact]
    public void C3_scram_over_handshake_v0_a_broker_that_hangs_up_on_a_bad_proof_fails_the_connect()
    {
        OfferOnlyHandshakeV0();
        var server = ServeScram(ScramMechanism.Sha256Name);
        _broker.RawTokenExchange = token => RawScram(server, token);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(ScramMechanism.Sha256(User, "wrong")));
        _scheduler.AdvanceBy(4);

        // Raw mode has no error code: the broker just closes, and the connect fails with the broken connection.
        Assert.True(task.IsFaulted);
        var e = Assert.IsType<ConnectionClosedException>(task.Exception!.InnerException);
        Assert.Equal(CloseReason.ConnectionBroken, e.Reason);
        Assert.Equal(2, _broker.RawTokens.Count);
        Assert.True(Assert.Single(_broker.Connections).IsDisposed);
    }

    // ---------------------------------------------------------------- OAUTHBEARER

    private const string Jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";

    private static readonly Dictionary<string, string> CloudExtensions = new() { ["logicalCluster"] = "lkc-7", ["identityPoolId"] = "pool-Ab1" };

    // A token provider that answers 2 s after it is asked, in virtual time.
    // With numbered, each call's token ends in the call's number (a refreshed token).
    private OAuthBearerMechanism SlowTokenProvider(string token, List<DateTimeOffset> calls, bool numbered = false) => new(ct =>
    {
        calls.Add(_scheduler.Now);
        var value = numbered ? token + calls.Count : token;
        return new ValueTask<OAuthBearerToken>(
            Observable.Timer(TimeSpan.FromSeconds(2), _scheduler)
                .Select(_ => new OAuthBearerToken(value, _scheduler.Now.AddHours(1), User, CloudExtensions))
                .ToTask(ct));
    });

    /// <summary>Parses an RFC 7628 client initial response: <c>gs2-header %x01 *(key=value %x01) %x01</c>.</summary>
    private static (string Gs2Header, Dictionary<string, string> Pairs) ParseInitialResponse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("\u0001\u0001", text);
        var parts = text[..^2].Split('\u0001');
        var pairs = new Dictionary<string, string>();
        foreach (var kv in parts.Skip(1))
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            Assert.True(eq > 0, $"'{kv}' is not key=value");
            pairs.Add(kv[..eq], kv[(eq + 1)..]);
        }

        return (parts[0], pairs);
    }

    private void ServeOAuthBearer(string acceptedToken, List<Dictionary<string, string>> seen, long sessionLifetimeMs = 0)
    {
        var rejected = false;
        _broker.Handler = r => r.Request switch
        {
            SaslHandshakeRequest => BrokerReply.Respond(new SaslHandshakeResponse { Mechanisms = ["OAUTHBEARER"] }),
            SaslAuthenticateRequest a when rejected => a.AuthBytes is [0x01]
                ? BrokerReply.Respond(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = "Authentication failed: token rejected" })
                : BrokerReply.Respond(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.IllegalSaslState, ErrorMessage = "expected %x01 after the error challenge" }),
            SaslAuthenticateRequest a => Initial(a.AuthBytes),
            _ => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromSeconds(5)),
        };

        BrokerReply Initial(byte[] bytes)
        {
            var (gs2, pairs) = ParseInitialResponse(bytes);
            seen.Add(pairs);
            if (gs2 == "n,," && pairs.GetValueOrDefault("auth", "").StartsWith("Bearer " + acceptedToken, StringComparison.Ordinal))
            {
                return BrokerReply.Respond(new SaslAuthenticateResponse { AuthBytes = [], SessionLifetimeMs = sessionLifetimeMs });
            }

            // RFC 7628 section 3.2.2: the server error is a JSON challenge; the client must answer %x01.
            rejected = true;
            return BrokerReply.Respond(new SaslAuthenticateResponse
            {
                AuthBytes = """{"status":"invalid_token","scope":"kafka.read"}"""u8.ToArray(),
            });
        }
    }

    [Fact]
    public void C3_oauthbearer_waits_for_an_async_token_provider_and_sends_the_RFC_7628_initial_response()
    {
        var seen = new List<Dictionary<string, string>>();
        var calls = new List<DateTimeOffset>();
        ServeOAuthBearer(Jwt, seen);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(SlowTokenProvider(Jwt, calls)));

        _scheduler.AdvanceBy(2); // handshake answered; the provider is asked now and answers 2 s later
        var askedAt = Assert.Single(calls);
        Assert.Equal(2, askedAt.Ticks);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(2).Ticks - 1);
        Assert.Empty(Authenticates);
        Assert.False(task.IsCompleted);

        _scheduler.AdvanceBy(1); // the token arrives and goes out
        var initial = Assert.Single(Authenticates).AuthBytes;
        Assert.Equal(
            "n,,\u0001auth=Bearer " + Jwt + "\u0001identityPoolId=pool-Ab1\u0001logicalCluster=lkc-7\u0001\u0001",
            Encoding.UTF8.GetString(initial));
        Assert.False(task.IsCompleted);

        _scheduler.AdvanceBy(1);
        Assert.True(task.IsCompletedSuccessfully, task.Exception?.InnerException?.ToString());
        Assert.Equal(ConnectionStatus.Ready, task.Result.CurrentState.Status);
        var pairs = Assert.Single(seen);
        Assert.Equal("lkc-7", pairs["logicalCluster"]);
        Assert.Equal("pool-Ab1", pairs["identityPoolId"]);
    }

    [Fact]
    public void C3_oauthbearer_rejected_token_acknowledges_the_error_challenge_then_fails_with_its_status()
    {
        var seen = new List<Dictionary<string, string>>();
        var calls = new List<DateTimeOffset>();
        ServeOAuthBearer(acceptedToken: "some.other.token", seen);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(SlowTokenProvider(Jwt, calls)));
        _scheduler.AdvanceBy(2 + TimeSpan.FromSeconds(2).Ticks + 2);

        var e = Assert.IsType<AuthenticationException>(task.Exception?.InnerException);
        Assert.Contains("invalid_token", e.Message); // the status from the JSON challenge
        Assert.Contains("token rejected", e.Message); // the broker's final error message
        Assert.Equal(new byte[] { 0x01 }, Authenticates.Last().AuthBytes);
        Assert.Equal(2, Authenticates.Count());
        AssertClosedWithAuthFailure();
    }

    [Fact]
    public void C3_oauthbearer_a_failing_token_provider_fails_with_AuthenticationException_before_anything_is_sent()
    {
        ServeOAuthBearer(Jwt, new List<Dictionary<string, string>>());
        var mechanism = new OAuthBearerMechanism(_ => new ValueTask<OAuthBearerToken>(
            Observable.Timer(TimeSpan.FromSeconds(1), _scheduler)
                .SelectMany(_ => Observable.Throw<OAuthBearerToken>(new HttpRequestException("identity provider unreachable")))
                .ToTask()));
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(mechanism));
        _scheduler.AdvanceBy(2 + TimeSpan.FromSeconds(1).Ticks);

        var e = Assert.IsType<AuthenticationException>(task.Exception?.InnerException);
        Assert.Contains("identity provider unreachable", e.Message);
        Assert.Empty(Authenticates);
        AssertClosedWithAuthFailure();
    }

    [Fact]
    public void C4_oauthbearer_reauthentication_asks_the_provider_for_a_fresh_token_while_requests_flow()
    {
        var seen = new List<Dictionary<string, string>>();
        var calls = new List<DateTimeOffset>();
        ServeOAuthBearer(Jwt, seen, sessionLifetimeMs: 60_000);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(SlowTokenProvider(Jwt, calls, numbered: true)));
        _scheduler.AdvanceBy(2 + TimeSpan.FromSeconds(2).Ticks + 1);
        var connection = task.Result;
        var authenticatedAt = _scheduler.Clock;

        // Re-authentication starts at 54 s; the provider takes 2 s; a request sent meanwhile is answered.
        _scheduler.AdvanceTo(authenticatedAt + TimeSpan.FromSeconds(54).Ticks + 1);
        Assert.Equal(2, calls.Count);
        var during = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(6).Ticks);

        Assert.True(during.IsCompletedSuccessfully);
        Assert.Equal(["Bearer " + Jwt + "1", "Bearer " + Jwt + "2"], seen.Select(p => p["auth"]));
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    // ---------------------------------------------------------------- GSSAPI

    private static readonly byte[] ApReq = "AP-REQ:kafka/broker-1"u8.ToArray();
    private static readonly byte[] ApRep = "AP-REP"u8.ToArray();

    private (GssapiMechanism Mechanism, List<FakeGssContext> Contexts, List<NegotiateAuthenticationClientOptions> Options) FakeKerberos()
    {
        var contexts = new List<FakeGssContext>();
        var options = new List<NegotiateAuthenticationClientOptions>();
        var mechanism = new GssapiMechanism("kafka", null, null, o =>
        {
            options.Add(o);
            var context = new FakeGssContext();
            contexts.Add(context);
            return context;
        });
        return (mechanism, contexts, options);
    }

    // The broker's side of RFC 4752: accept AP-REQ, answer AP-REP; answer the client's empty token with
    // the wrapped security-layer offer; check the wrapped reply.
    private void ServeGssapi(byte offeredLayers, long sessionLifetimeMs = 0)
    {
        var round = 0;
        _broker.Handler = r => r.Request switch
        {
            SaslHandshakeRequest => BrokerReply.Respond(new SaslHandshakeResponse { Mechanisms = ["GSSAPI"] }),
            SaslAuthenticateRequest a => (round++ % 3) switch
            {
                0 when a.AuthBytes.AsSpan().SequenceEqual(ApReq) => BrokerReply.Respond(new SaslAuthenticateResponse { AuthBytes = ApRep }),
                1 when a.AuthBytes.Length == 0 => BrokerReply.Respond(new SaslAuthenticateResponse { AuthBytes = FakeGssContext.Wrapped([offeredLayers, 0x10, 0x00, 0x00]) }),
                2 when a.AuthBytes.AsSpan().SequenceEqual(FakeGssContext.Wrapped([0x01, 0x00, 0x00, 0x00])) => BrokerReply.Respond(new SaslAuthenticateResponse { SessionLifetimeMs = sessionLifetimeMs }),
                var n => BrokerReply.Respond(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = $"unexpected GSSAPI token in round {n}: {Convert.ToHexString(a.AuthBytes)}" }),
            },
            _ => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromSeconds(5)),
        };
    }

    [Fact]
    public void C3_gssapi_runs_the_kerberos_tokens_and_the_RFC_4752_security_layer_round()
    {
        ServeGssapi(offeredLayers: 0x07);
        var (mechanism, contexts, options) = FakeKerberos();
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(mechanism));
        _scheduler.AdvanceBy(4);
        Assert.False(task.IsCompleted);
        _scheduler.AdvanceBy(1);

        Assert.True(task.IsCompletedSuccessfully, task.Exception?.InnerException?.ToString());
        Assert.Equal("GSSAPI", ((SaslHandshakeRequest)_broker.Requests[1].Request).Mechanism);
        Assert.Equal("kafka/broker-1", Assert.Single(options).TargetName);
        var tokens = Authenticates.Select(a => a.AuthBytes).ToList();
        Assert.Equal(3, tokens.Count);
        Assert.Equal(ApReq, tokens[0]);
        Assert.Empty(tokens[1]); // the context is established; nothing more to send but the step itself
        Assert.Equal(FakeGssContext.Wrapped([0x01, 0x00, 0x00, 0x00]), tokens[2]); // no security layer, max size 0
        var context = Assert.Single(contexts);
        Assert.Equal(2, context.Received.Count);
        Assert.Equal(ApRep, context.Received[1]);
        Assert.True(context.Disposed); // the Kerberos context is released after the exchange
    }

    [Fact]
    public void C3_gssapi_broker_offering_only_confidentiality_fails_with_AuthenticationException()
    {
        ServeGssapi(offeredLayers: 0x04);
        var (mechanism, contexts, _) = FakeKerberos();
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(mechanism));
        _scheduler.AdvanceBy(5);

        var e = Assert.IsType<AuthenticationException>(task.Exception?.InnerException);
        Assert.Contains("confidentiality", e.Message);
        Assert.Equal(2, Authenticates.Count()); // nothing is sent after the offer is refused
        Assert.True(Assert.Single(contexts).Disposed);
        AssertClosedWithAuthFailure();
    }

    [Fact]
    public void C4_gssapi_reauthenticates_with_a_new_kerberos_context()
    {
        ServeGssapi(offeredLayers: 0x01, sessionLifetimeMs: 10_000);
        var (mechanism, contexts, _) = FakeKerberos();
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(mechanism));
        _scheduler.AdvanceBy(5);
        var connection = task.Result;

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(9).Ticks + 4);
        Assert.Equal(2, contexts.Count);
        Assert.All(contexts, c => Assert.True(c.Disposed));
        Assert.Equal(6, Authenticates.Count());
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public void C3_gssapi_over_handshake_v0_does_not_wait_for_an_answer_to_the_final_token()
    {
        // A v0 broker (Java's GSSAPI server) has nothing to say after the security-layer reply and sends
        // nothing; Kafka's own client does not wait either. Waiting would end in a request timeout.
        OfferOnlyHandshakeV0();
        ServeGssapi(offeredLayers: 0x01);
        var round = 0;
        _broker.RawTokenExchange = token => round++ switch
        {
            0 when token.AsSpan().SequenceEqual(ApReq) => RawTokenReply.Challenge(ApRep),
            1 when token.Length == 0 => RawTokenReply.Challenge(FakeGssContext.Wrapped([0x01, 0x10, 0x00, 0x00])),
            2 when token.AsSpan().SequenceEqual(FakeGssContext.Wrapped([0x01, 0x00, 0x00, 0x00])) => new RawTokenReply(null),
            _ => RawTokenReply.Close,
        };
        var (mechanism, contexts, _) = FakeKerberos();
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options(mechanism));
        _scheduler.AdvanceBy(4);

        Assert.True(task.IsCompletedSuccessfully, task.Exception?.InnerException?.ToString());
        Assert.Equal(3, _broker.RawTokens.Count);
        Assert.Equal([ApiKey.ApiVersions, ApiKey.SaslHandshake], _broker.Requests.Select(r => r.ApiKey));
        Assert.True(Assert.Single(contexts).Disposed);

        // The next frame from the broker answers the next request: nothing is left unpaired.
        var metadata = task.Result.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.True(metadata.IsCompletedSuccessfully, metadata.Exception?.InnerException?.ToString());
        Assert.Equal(ConnectionStatus.Ready, task.Result.CurrentState.Status);
    }

    // ---------------------------------------------------------------- helpers

    private void AssertClosedWithAuthFailure()
    {
        Assert.Contains(_log.Entries, e => e.Message.Contains("closed: AuthFailure", StringComparison.Ordinal));
        Assert.True(Assert.Single(_broker.Connections).IsDisposed); // the failed connection was closed, not left open
    }

    /// <summary>A Kerberos context without a KDC: AP-REQ out, AP-REP in; wrapping is a 'W' prefix.</summary>
    private sealed class FakeGssContext : IGssContext
    {
        public List<byte[]> Received { get; } = new();

        public bool Disposed { get; private set; }

        public static byte[] Wrapped(byte[] payload) => [(byte)'W', .. payload];

        public byte[]? GetOutgoingBlob(ReadOnlySpan<byte> incomingBlob, out NegotiateAuthenticationStatusCode statusCode)
        {
            Received.Add(incomingBlob.ToArray());
            if (Received.Count == 1 && incomingBlob.IsEmpty)
            {
                statusCode = NegotiateAuthenticationStatusCode.ContinueNeeded;
                return ApReq;
            }

            // The mutual-authentication reply completes the context and produces no token.
            statusCode = incomingBlob.SequenceEqual(ApRep) ? NegotiateAuthenticationStatusCode.Completed : NegotiateAuthenticationStatusCode.InvalidToken;
            return null;
        }

        public NegotiateAuthenticationStatusCode Wrap(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            output.Write(Wrapped(input.ToArray()));
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

    private sealed class CapturingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Add((logLevel, formatter(state, exception)));
    }
}
