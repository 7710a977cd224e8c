using System.Text;
using System.Text.Json;
using Microsoft.Reactive.Testing;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.OAuthBearer;
using RxKafka.Protocol.Messages;

namespace RxKafka.Tests.Network.Sasl;

public sealed class OAuthBearerMechanismTests
{
    private const string Jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
    private static readonly SaslContext Broker = new("broker-1.example", 9093, IsTls: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OAuthBearerMechanism Returning(OAuthBearerToken token) => new(_ => new ValueTask<OAuthBearerToken>(token));

    [Fact]
    public async Task Initial_response_without_extensions_is_the_RFC_7628_framing() // C3
    {
        using var auth = Returning(new OAuthBearerToken(Jwt, null, "alice", null)).CreateAuthenticator(Broker);

        var message = await auth.InitialResponseAsync(Ct);

        Assert.Equal(Encoding.UTF8.GetBytes("n,,\u0001auth=Bearer " + Jwt + "\u0001\u0001"), message.ToArray());
    }

    [Fact]
    public async Task Initial_response_carries_extensions_in_key_order() // C3
    {
        var extensions = new Dictionary<string, string> { ["traceId"] = "abc 123", ["logicalCluster"] = "lkc-1\t\r\n" };
        using var auth = Returning(new OAuthBearerToken(Jwt, null, null, extensions)).CreateAuthenticator(Broker);

        var message = await auth.InitialResponseAsync(Ct);

        byte[] expected = [
            .. "n,,"u8, 0x01,
            .. "auth=Bearer "u8, .. Encoding.ASCII.GetBytes(Jwt), 0x01,
            .. "logicalCluster=lkc-1\t\r\n"u8, 0x01,
            .. "traceId=abc 123"u8, 0x01,
            0x01];
        Assert.Equal(expected, message.ToArray());
    }

    [Theory]
    [InlineData("auth", "x", "reserved")]
    [InlineData("bad-key", "x", "'bad-key' is not valid")]
    [InlineData("key1", "x", "'key1' is not valid")]
    [InlineData("", "x", "'' is not valid")]
    [InlineData("k\u00e9y", "x", "is not valid")]
    [InlineData("key", "", "empty value")]
    [InlineData("key", "caf\u00e9", "U+00E9")]
    [InlineData("key", "a\u0001b", "U+0001")]
    [InlineData("key", "a\u007Fb", "U+007F")]
    public void Invalid_extensions_are_rejected_with_the_reason(string key, string value, string expected) // C3
    {
        var extensions = new Dictionary<string, string> { [key] = value };

        var e = Assert.Throws<ArgumentException>(() => new OAuthBearerToken(Jwt, null, null, extensions));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal("Extensions", e.ParamName);
    }

    [Fact]
    public void Invalid_extensions_cannot_sneak_in_through_with()
    {
        var token = new OAuthBearerToken(Jwt, null, null, null);

        Assert.Throws<ArgumentException>(() => token with { Extensions = new Dictionary<string, string> { ["auth"] = "x" } });
        Assert.Throws<ArgumentException>(() => token with { Value = "not a token" });
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a\u0001b")]
    [InlineData("==")]
    [InlineData("ab=c")]
    public void Token_values_outside_the_b64token_syntax_are_rejected(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new OAuthBearerToken(value, null, null, null));

        Assert.Equal("Value", e.ParamName);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a-b.c_d~e+f/g==")]
    public void Token_values_in_the_b64token_syntax_are_accepted(string value)
    {
        Assert.Equal(value, new OAuthBearerToken(value, null, null, null).Value);
    }

    [Fact]
    public async Task An_empty_server_reply_completes_the_exchange() // C3
    {
        using var auth = Returning(new OAuthBearerToken(Jwt, null, null, null)).CreateAuthenticator(Broker);
        await auth.InitialResponseAsync(Ct);
        Assert.False(auth.IsComplete);

        Assert.Null(await auth.EvaluateChallengeAsync(ReadOnlyMemory<byte>.Empty, Ct));
        Assert.True(auth.IsComplete);
    }

    [Fact]
    public async Task A_server_error_challenge_is_acknowledged_with_a_lone_control_A_then_fails_with_its_status() // C3
    {
        using var auth = Returning(new OAuthBearerToken(Jwt, null, null, null)).CreateAuthenticator(Broker);
        await auth.InitialResponseAsync(Ct);

        var reply = await auth.EvaluateChallengeAsync("{\"status\":\"invalid_token\",\"scope\":\"kafka\"}"u8.ToArray(), Ct);

        Assert.NotNull(reply);
        Assert.Equal(new byte[] { 0x01 }, reply.Value.ToArray());
        Assert.False(auth.IsComplete);
        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await auth.EvaluateChallengeAsync(ReadOnlyMemory<byte>.Empty, Ct));
        Assert.Contains("status 'invalid_token'", e.Message, StringComparison.Ordinal);
        Assert.Contains("scope 'kafka'", e.Message, StringComparison.Ordinal);
        Assert.False(auth.IsComplete);
    }

    [Fact]
    public async Task Through_SaslAuthenticate_the_broker_failure_carries_the_JSON_status() // C3
    {
        using var auth = Returning(new OAuthBearerToken(Jwt, null, null, null)).CreateAuthenticator(Broker);
        var sent = new List<byte[]>();
        var responses = new Queue<SaslAuthenticateResponse>([
            new SaslAuthenticateResponse { AuthBytes = "{\"status\":\"invalid_token\"}"u8.ToArray() },
            new SaslAuthenticateResponse { ErrorCode = 58, ErrorMessage = "Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER" },
        ]);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await SaslExchange.AuthenticateAsync(auth, "OAUTHBEARER", "broker-1:9093", (bytes, _) =>
            {
                sent.Add(bytes.ToArray());
                return new ValueTask<SaslAuthenticateResponse>(responses.Dequeue());
            }, Ct));

        Assert.Equal(2, sent.Count);
        Assert.Equal(new byte[] { 0x01 }, sent[1]);
        Assert.Contains("invalid credentials with SASL mechanism OAUTHBEARER", e.Message, StringComparison.Ordinal);
        Assert.Contains("status 'invalid_token'", e.Message, StringComparison.Ordinal);
        Assert.Contains("broker-1:9093", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_JSON_error_challenge_is_reported_raw()
    {
        using var auth = Returning(new OAuthBearerToken(Jwt, null, null, null)).CreateAuthenticator(Broker);
        await auth.InitialResponseAsync(Ct);
        await auth.EvaluateChallengeAsync("go away"u8.ToArray(), Ct);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await auth.EvaluateChallengeAsync(ReadOnlyMemory<byte>.Empty, Ct));

        Assert.Contains("go away", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_provider_is_called_for_every_authentication() // C4: re-authentication gets a fresh token
    {
        int calls = 0;
        var mechanism = new OAuthBearerMechanism(_ => new ValueTask<OAuthBearerToken>(new OAuthBearerToken($"token{++calls}", null, null, null)));

        using var first = mechanism.CreateAuthenticator(Broker);
        using var second = mechanism.CreateAuthenticator(Broker);
        Assert.Equal(0, calls); // nothing is fetched until the exchange starts
        var a = Encoding.UTF8.GetString((await first.InitialResponseAsync(Ct)).Span);
        var b = Encoding.UTF8.GetString((await second.InitialResponseAsync(Ct)).Span);

        Assert.Equal(2, calls);
        Assert.Contains("auth=Bearer token1\u0001", a, StringComparison.Ordinal);
        Assert.Contains("auth=Bearer token2\u0001", b, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_token_provider_gives_an_authentication_exception_with_the_cause()
    {
        var boom = new InvalidOperationException("identity provider unreachable");
        using var auth = new OAuthBearerMechanism(_ => throw boom).CreateAuthenticator(Broker);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await auth.InitialResponseAsync(Ct));

        Assert.Same(boom, e.InnerException);
        Assert.Contains("identity provider unreachable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_of_the_token_provider_propagates()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var auth = new OAuthBearerMechanism(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new OAuthBearerToken(Jwt, null, null, null);
        }).CreateAuthenticator(Broker);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await auth.InitialResponseAsync(cts.Token));
    }

    [Fact]
    public void Unsecured_jwt_has_alg_none_the_claims_and_an_empty_signature() // C3
    {
        string token = UnsecuredJwt.Create("alice", 1_700_000_000, 1_700_003_600, ["read", "write"]);

        string[] parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("", parts[2]);
        Assert.EndsWith(".", token, StringComparison.Ordinal);
        Assert.DoesNotContain('=', token);
        Assert.Equal("eyJhbGciOiJub25lIn0", parts[0]); // base64url of {"alg":"none"}
        Assert.Equal("{\"alg\":\"none\"}", Encoding.UTF8.GetString(FromBase64Url(parts[0])));
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        Assert.Equal("alice", claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal(1_700_000_000, claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(1_700_003_600, claims.RootElement.GetProperty("exp").GetInt64());
        Assert.Equal(["read", "write"], claims.RootElement.GetProperty("scope").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public void Unsecured_jwt_without_scope_omits_the_claim_and_escapes_the_subject()
    {
        string token = UnsecuredJwt.Create("al\"ice/ü", 1, 2, []);

        using var claims = JsonDocument.Parse(FromBase64Url(token.Split('.')[1]));
        Assert.False(claims.RootElement.TryGetProperty("scope", out _));
        Assert.Equal("al\"ice/ü", claims.RootElement.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Unsecured_mechanism_takes_the_time_from_the_scheduler_and_makes_a_new_token_each_time() // C3, C4
    {
        var scheduler = new TestScheduler();
        var start = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        scheduler.AdvanceTo(start.Ticks);
        var mechanism = OAuthBearerMechanism.Unsecured("alice", TimeSpan.FromMinutes(10), ["kafka"], new Dictionary<string, string> { ["env"] = "dev" }, scheduler);

        var first = await TokenOf(mechanism);
        scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);
        var second = await TokenOf(mechanism);

        Assert.Equal(start.ToUnixTimeSeconds(), first.Iat);
        Assert.Equal(start.ToUnixTimeSeconds() + 600, first.Exp);
        Assert.Equal(start.ToUnixTimeSeconds() + 300, second.Iat);
        Assert.Contains("\u0001env=dev\u0001", first.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsecured_rejects_a_bad_principal_or_lifetime()
    {
        Assert.Throws<ArgumentException>(() => OAuthBearerMechanism.Unsecured(""));
        Assert.Throws<ArgumentException>(() => OAuthBearerMechanism.Unsecured("alice", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => OAuthBearerMechanism.Unsecured("alice", extensions: new Dictionary<string, string> { ["auth"] = "x" }));
    }

    private static async Task<(long Iat, long Exp, string Message)> TokenOf(OAuthBearerMechanism mechanism)
    {
        using var auth = mechanism.CreateAuthenticator(Broker);
        string message = Encoding.UTF8.GetString((await auth.InitialResponseAsync(Ct)).Span);
        string token = message.Split('\u0001')[1]["auth=Bearer ".Length..];
        using var claims = JsonDocument.Parse(FromBase64Url(token.Split('.')[1]));
        return (claims.RootElement.GetProperty("iat").GetInt64(), claims.RootElement.GetProperty("exp").GetInt64(), message);
    }

    private static byte[] FromBase64Url(string s)
    {
        string b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '='));
    }
}
