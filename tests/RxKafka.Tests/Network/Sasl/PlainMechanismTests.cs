using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Plain;
using RxKafka.Network.Sasl.Scram;

namespace RxKafka.Tests.Network.Sasl;

public sealed class PlainMechanismTests
{
    private static readonly SaslContext Broker = new("broker-1.example", 9093, IsTls: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Initial_response_is_empty_authzid_NUL_username_NUL_password() // C3
    {
        using var auth = new PlainMechanism("alice", "s3cret").CreateAuthenticator(Broker);

        var message = await auth.InitialResponseAsync(Ct);

        Assert.Equal("\0alice\0s3cret"u8.ToArray(), message.ToArray());
    }

    [Fact]
    public async Task Authorization_id_goes_first_and_text_is_UTF8() // C3
    {
        using var auth = new PlainMechanism("usér", "pässwörd", authorizationId: "admin").CreateAuthenticator(Broker);

        var message = await auth.InitialResponseAsync(Ct);

        // "admin" NUL "usér" NUL "pässwörd", the accented letters as two UTF-8 bytes each.
        byte[] expected = Convert.FromHexString("61646D696E00" + "7573C3A972" + "00" + "70C3A4737377C3B67264");
        Assert.Equal(expected, message.ToArray());
    }

    [Theory]
    [InlineData("al\0ice", "pw", null, "username")]
    [InlineData("alice", "p\0w", null, "password")]
    [InlineData("alice", "pw", "ad\0min", "authorizationId")]
    public void A_NUL_character_in_any_field_is_rejected(string username, string password, string? authzid, string param) // C3
    {
        var e = Assert.Throws<ArgumentException>(() => new PlainMechanism(username, password, authzid));

        Assert.Equal(param, e.ParamName);
        Assert.Contains("NUL", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "pw", "username")]
    [InlineData("alice", "", "password")]
    public void Empty_username_or_password_is_rejected(string username, string password, string param)
    {
        var e = Assert.Throws<ArgumentException>(() => new PlainMechanism(username, password));

        Assert.Equal(param, e.ParamName);
    }

    [Fact]
    public void Plain_says_it_sends_the_secret_in_clear_and_scram_does_not() // C3: warn when PLAIN runs without TLS
    {
        ISaslMechanism plain = new PlainMechanism("alice", "pw");
        ISaslMechanism scram = ScramMechanism.Sha256("alice", "pw");

        Assert.True(plain.SendsSecretInClear);
        Assert.False(scram.SendsSecretInClear);
        Assert.Equal("PLAIN", plain.Name);
    }

    [Fact]
    public async Task Complete_once_sent_and_an_empty_server_reply_ends_the_exchange() // C3
    {
        using var auth = new PlainMechanism("alice", "pw").CreateAuthenticator(Broker);
        Assert.False(auth.IsComplete);

        await auth.InitialResponseAsync(Ct);

        Assert.True(auth.IsComplete);
        Assert.Null(await auth.EvaluateChallengeAsync(ReadOnlyMemory<byte>.Empty, Ct));
    }

    [Fact]
    public async Task A_non_empty_server_challenge_is_an_authentication_error() // C3
    {
        using var auth = new PlainMechanism("alice", "pw").CreateAuthenticator(Broker);
        await auth.InitialResponseAsync(Ct);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await auth.EvaluateChallengeAsync(new byte[] { 1, 2 }, Ct));

        Assert.Contains("PLAIN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_authenticator_is_fresh_and_disposing_one_leaves_the_next_intact() // C4
    {
        var mechanism = new PlainMechanism("alice", "pw");
        var first = mechanism.CreateAuthenticator(Broker);
        var firstMessage = await first.InitialResponseAsync(Ct);
        var twice = await Assert.ThrowsAsync<AuthenticationException>(async () => await first.InitialResponseAsync(Ct));
        Assert.Equal(ErrorCode.IllegalSaslState, twice.ErrorCode);
        first.Dispose();

        using var second = mechanism.CreateAuthenticator(Broker);
        var secondMessage = await second.InitialResponseAsync(Ct);

        Assert.Equal("\0alice\0pw"u8.ToArray(), firstMessage.ToArray());
        Assert.Equal(firstMessage.ToArray(), secondMessage.ToArray());
    }
}
