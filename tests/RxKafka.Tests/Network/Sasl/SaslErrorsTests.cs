using System.Text;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Plain;
using RxKafka.Network.Sasl.Scram;
using RxKafka.Protocol.Messages;

namespace RxKafka.Tests.Network.Sasl;

public sealed class SaslErrorsTests
{
    private const string BrokerName = "broker-1:9093";

    [Fact]
    public void Handshake_success_has_no_exception()
    {
        Assert.Null(SaslErrors.FromHandshake(new SaslHandshakeResponse { Mechanisms = ["PLAIN"] }, "PLAIN", BrokerName));
    }

    [Fact]
    public void Unsupported_mechanism_lists_what_the_broker_offers() // C3
    {
        var response = new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.UnsupportedSaslMechanism, Mechanisms = ["PLAIN", "SCRAM-SHA-512"] };

        var e = Assert.IsType<UnsupportedSaslMechanismException>(SaslErrors.FromHandshake(response, "OAUTHBEARER", BrokerName));

        Assert.Equal(ErrorCode.UnsupportedSaslMechanism, e.ErrorCode);
        Assert.Contains("'OAUTHBEARER'", e.Message, StringComparison.Ordinal);
        Assert.Contains("it offers: PLAIN, SCRAM-SHA-512", e.Message, StringComparison.Ordinal);
        Assert.Contains(BrokerName, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_mechanism_with_an_empty_list_says_none()
    {
        var response = new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.UnsupportedSaslMechanism };

        var e = SaslErrors.FromHandshake(response, "PLAIN", BrokerName);

        Assert.Contains("it offers: (none)", e!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handshake_illegal_state_and_other_codes_map_to_their_exceptions()
    {
        var illegal = Assert.IsType<AuthenticationException>(SaslErrors.FromHandshake(new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.IllegalSaslState }, "PLAIN", BrokerName));
        Assert.Equal(ErrorCode.IllegalSaslState, illegal.ErrorCode);
        var other = SaslErrors.FromHandshake(new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.UnsupportedVersion }, "PLAIN", BrokerName);
        Assert.IsType<UnsupportedVersionException>(other);
        Assert.Contains(BrokerName, other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authentication_failure_carries_the_broker_message() // C3
    {
        var response = new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = "Authentication failed: Invalid username or password" };

        var e = SaslErrors.FromAuthenticate(response, "SCRAM-SHA-256", BrokerName);

        Assert.IsType<AuthenticationException>(e);
        Assert.Equal(ErrorCode.SaslAuthenticationFailed, e.ErrorCode);
        Assert.False(e.IsRetriable);
        Assert.Contains("Invalid username or password", e.Message, StringComparison.Ordinal);
        Assert.Contains("SCRAM-SHA-256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_illegal_state_and_null_message()
    {
        var response = new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.IllegalSaslState, ErrorMessage = null };

        var e = Assert.IsType<AuthenticationException>(SaslErrors.FromAuthenticate(response, "PLAIN", BrokerName));
        Assert.Equal(ErrorCode.IllegalSaslState, e.ErrorCode);

        Assert.Contains("no message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_success_has_no_exception_and_other_codes_keep_their_type()
    {
        Assert.Null(SaslErrors.FromAuthenticate(new SaslAuthenticateResponse(), "PLAIN", BrokerName));
        Assert.IsType<UnsupportedSaslMechanismException>(SaslErrors.FromAuthenticate(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.UnsupportedSaslMechanism }, "PLAIN", BrokerName));
        Assert.IsType<KafkaConnectionException>(SaslErrors.FromAuthenticate(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.NetworkException }, "PLAIN", BrokerName));
    }
}

public sealed class SaslExchangeTests
{
    private static readonly SaslContext Broker = new("broker-1.example", 9093, IsTls: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<SaslAuthenticateResponse>> Script(List<string> sent, params SaslAuthenticateResponse[] responses)
    {
        var queue = new Queue<SaslAuthenticateResponse>(responses);
        return (bytes, _) =>
        {
            sent.Add(Encoding.UTF8.GetString(bytes.Span));
            return new ValueTask<SaslAuthenticateResponse>(queue.Dequeue());
        };
    }

    [Fact]
    public async Task Scram_runs_two_round_trips_and_returns_the_session_lifetime() // C3, C4
    {
        var mechanism = new ScramMechanism("SCRAM-SHA-256", "user", "pencil", tokenAuthentication: false, () => "rOprNGfwEbeRWgbNEkqO");
        using var auth = mechanism.CreateAuthenticator(Broker);
        var sent = new List<string>();

        var result = await SaslExchange.AuthenticateAsync(auth, mechanism.Name, "broker-1:9093", Script(sent,
            new SaslAuthenticateResponse { AuthBytes = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"u8.ToArray(), SessionLifetimeMs = 0 },
            new SaslAuthenticateResponse { AuthBytes = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="u8.ToArray(), SessionLifetimeMs = 3_600_000 }), Ct);

        Assert.Equal(3_600_000, result.SessionLifetimeMs);
        Assert.Equal(
            ["n,,n=user,r=rOprNGfwEbeRWgbNEkqO", "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="],
            sent);
        Assert.True(auth.IsComplete);
    }

    [Fact]
    public async Task Plain_is_one_round_trip() // C3
    {
        using var auth = new PlainMechanism("alice", "pw").CreateAuthenticator(Broker);
        var sent = new List<string>();

        var result = await SaslExchange.AuthenticateAsync(auth, "PLAIN", "b", Script(sent, new SaslAuthenticateResponse { SessionLifetimeMs = 1000 }), Ct);

        Assert.Equal(1000, result.SessionLifetimeMs);
        Assert.Single(sent);
    }

    [Fact]
    public async Task Bad_credentials_fail_with_the_broker_message() // C3
    {
        using var auth = new PlainMechanism("alice", "wrong").CreateAuthenticator(Broker);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await SaslExchange.AuthenticateAsync(auth, "PLAIN", "broker-1:9093",
            Script([], new SaslAuthenticateResponse { ErrorCode = 58, ErrorMessage = "Authentication failed: Invalid username or password" }), Ct));

        Assert.Contains("Invalid username or password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_that_never_stops_challenging_is_cut_off()
    {
        using var auth = new EndlessAuthenticator();
        int calls = 0;

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await SaslExchange.AuthenticateAsync(auth, "X", "b", (_, _) =>
        {
            calls++;
            return new ValueTask<SaslAuthenticateResponse>(new SaslAuthenticateResponse { AuthBytes = [1] });
        }, Ct));

        Assert.Equal(SaslExchange.MaxRoundTrips, calls);
        Assert.Contains("round trips", e.Message, StringComparison.Ordinal);
    }

    private sealed class EndlessAuthenticator : ISaslAuthenticator
    {
        public bool IsComplete => false;

        public ValueTask<ReadOnlyMemory<byte>> InitialResponseAsync(CancellationToken ct) => new(new byte[] { 0 });

        public ValueTask<ReadOnlyMemory<byte>?> EvaluateChallengeAsync(ReadOnlyMemory<byte> challenge, CancellationToken ct) => new((ReadOnlyMemory<byte>?)new byte[] { 0 });

        public void Dispose()
        {
        }
    }
}
