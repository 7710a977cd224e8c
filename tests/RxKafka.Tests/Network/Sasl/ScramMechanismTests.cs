using System.Text;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Scram;

namespace RxKafka.Tests.Network.Sasl;

public sealed class ScramMechanismTests
{
    private static readonly SaslContext Broker = new("broker-1.example", 9093, IsTls: true);

    // RFC 7677 section 3.
    private const string RfcClientNonce = "rOprNGfwEbeRWgbNEkqO";
    private const string RfcServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string RfcClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string RfcServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ISaslAuthenticator Create(string mechanism, string user, string password, string nonce, bool tokenAuth = false) =>
        new ScramMechanism(mechanism, user, password, tokenAuth, () => nonce).CreateAuthenticator(Broker);

    private static async Task<string> Step(ISaslAuthenticator auth, string serverMessage)
    {
        var reply = await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(serverMessage), Ct);
        Assert.NotNull(reply);
        return Encoding.UTF8.GetString(reply.Value.Span);
    }

    private static async Task<ISaslAuthenticator> AfterClientFirst(string nonce = RfcClientNonce)
    {
        var auth = Create(ScramMechanism.Sha256Name, "user", "pencil", nonce);
        await auth.InitialResponseAsync(Ct);
        return auth;
    }

    [Fact]
    public async Task Sha256_follows_the_RFC_7677_example_end_to_end() // C3
    {
        using var auth = Create(ScramMechanism.Sha256Name, "user", "pencil", RfcClientNonce);

        var first = await auth.InitialResponseAsync(Ct);
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Encoding.UTF8.GetString(first.Span));

        Assert.Equal(RfcClientFinal, await Step(auth, RfcServerFirst));
        Assert.False(auth.IsComplete);

        var end = await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(RfcServerFinal), Ct);
        Assert.Null(end);
        Assert.True(auth.IsComplete);
    }

    [Theory]
    [InlineData("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")] // first signature byte changed
    [InlineData("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95F4=")] // last signature byte changed
    [InlineData("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("v=6rriTRBi23WpRR/wtup+mA==")] // a prefix of the right signature
    public async Task A_wrong_server_signature_fails_the_exchange(string serverFinal) // C3: verify the server signature
    {
        using var auth = await AfterClientFirst();
        await Step(auth, RfcServerFirst);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () => await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(serverFinal), Ct));

        Assert.Contains("server signature", e.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.SaslAuthenticationFailed, e.ErrorCode);
        Assert.False(auth.IsComplete);
    }

    [Fact]
    public async Task Sha512_matches_an_independent_implementation() // C3
    {
        // Vector produced with Debian's /usr/bin/python3: hashlib.pbkdf2_hmac("sha512", b"pencil", salt, 4096),
        // hmac.new(..., hashlib.sha512) for ClientKey/ServerKey/signatures and hashlib.sha512 for StoredKey,
        // AuthMessage = "n=user,r=<cnonce>,<server-first>,c=biws,r=<snonce>".
        const string serverFirst = "r=rOprNGfwEbeRWgbNEkqOsha512ServerPart3kQ,s=QSXCR+Q6sek8bf92,i=4096";
        const string clientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqOsha512ServerPart3kQ,p=5IxkUlOd/kNp0BhZTs8eTMbDrgvZyrgxN+h74NBybCsscqinGMAwE7kiVkwfSWkkJZKKPk93VKbLCfrUJk7zYQ==";
        const string serverFinal = "v=k/WHCGQhZcWYueDUn6pOkzRb5dr0wqvF9qrsDmPqGG9/7e52e7RZ8FC4eJFgmC9EXPrGmNqKdm1csUQPuk5gkg==";
        using var auth = Create(ScramMechanism.Sha512Name, "user", "pencil", RfcClientNonce);

        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Encoding.UTF8.GetString((await auth.InitialResponseAsync(Ct)).Span));
        Assert.Equal(clientFinal, await Step(auth, serverFirst));
        Assert.Null(await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(serverFinal), Ct));
        Assert.True(auth.IsComplete);
    }

    [Fact]
    public async Task Delegation_token_mode_sends_tokenauth_and_signs_it_with_an_escaped_username() // C3
    {
        // Produced the same way with /usr/bin/python3 (hashlib/hmac, SHA-256), client-first-bare
        // "n=tok=3Den=2Cid,r=fyko+d2lbbFgONRv9qkxdawL,tokenauth=true".
        using var auth = Create(ScramMechanism.Sha256Name, "tok=en,id", "hmac-secret", "fyko+d2lbbFgONRv9qkxdawL", tokenAuth: true);

        var first = await auth.InitialResponseAsync(Ct);
        Assert.Equal("n,,n=tok=3Den=2Cid,r=fyko+d2lbbFgONRv9qkxdawL,tokenauth=true", Encoding.UTF8.GetString(first.Span));

        string clientFinal = await Step(auth, "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=c2FsdHNhbHQ=,i=4096");
        Assert.Equal("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=Oiur+pB74psNFKKgCj9RS5zW1fHZeTVYNOZEbC5CMFQ=", clientFinal);
        Assert.Null(await auth.EvaluateChallengeAsync("v=A1IeMwUBl+O+5osabK1hnINb1proseM0IYHsSd/RiXY="u8.ToArray(), Ct));
        Assert.True(auth.IsComplete);
    }

    [Theory]
    [InlineData("user", "user")]
    [InlineData("a=b", "a=3Db")]
    [InlineData("a,b", "a=2Cb")]
    [InlineData("=,=,", "=3D=2C=3D=2C")]
    [InlineData("\uFF55\uFF53\uFF45\uFF52", "user")] // fullwidth letters: NFKC folds them
    [InlineData("A\u030A", "\u00C5")] // A + combining ring: NFKC composes
    public void Usernames_are_normalised_and_escaped(string username, string saslName) // C3
    {
        Assert.Equal(saslName, ScramMessages.EscapeUsername(username));
    }

    [Fact]
    public async Task A_server_nonce_that_does_not_extend_the_client_nonce_is_rejected() // C3
    {
        using var auth = await AfterClientFirst();

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync("r=someoneElsesNonce123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"u8.ToArray(), Ct));

        Assert.Contains("does not start with the client nonce", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_nonce_equal_to_the_client_nonce_is_rejected()
    {
        using var auth = await AfterClientFirst();

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes($"r={RfcClientNonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), Ct));

        Assert.Contains("adds nothing", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(1)]
    public async Task An_iteration_count_below_4096_is_rejected(int iterations) // C3
    {
        using var auth = await AfterClientFirst();

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes($"r={RfcClientNonce}xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i={iterations}"), Ct));

        Assert.Contains($"{iterations} iterations", e.Message, StringComparison.Ordinal);
        Assert.Contains("4096", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absurd_iteration_count_is_rejected_before_hashing()
    {
        using var auth = await AfterClientFirst();

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes($"r={RfcClientNonce}xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000"), Ct));

        Assert.Contains("ceiling", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "nonce (r=)")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,i=4096", "salt (s=)")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==", "iteration count (i=)")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=not base64!,i=4096", "salt (s=)")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096", "salt (s=)")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4k", "iteration count (i=) '4k'")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-4096", "iteration count (i=) '-4096'")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999", "iteration count (i=) '99999999999'")]
    [InlineData("m=ext,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "mandatory extension (m=)")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,garbage,i=4096", "malformed attribute 'garbage'")]
    [InlineData("", "malformed attribute")]
    [InlineData("e=unknown-user", "rejected the client-first-message: unknown-user")]
    public async Task A_malformed_server_first_message_names_what_is_wrong(string serverFirst, string expected) // C3
    {
        using var auth = await AfterClientFirst();

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(serverFirst), Ct));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("SCRAM-SHA-256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_first_message_that_is_not_UTF8_is_rejected()
    {
        using var auth = await AfterClientFirst();

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync(new byte[] { (byte)'r', (byte)'=', 0xC3, 0x28 }, Ct));

        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("e=invalid-proof", "rejected the authentication: invalid-proof")]
    [InlineData("e=other-error,x=1", "rejected the authentication: other-error")]
    [InlineData("x=1", "neither a verifier (v=) nor an error (e=)")]
    [InlineData("v=%%%", "server signature (v=) of the server-final-message is not valid base64")]
    public async Task A_server_final_error_or_malformed_message_fails(string serverFinal, string expected) // C3
    {
        using var auth = await AfterClientFirst();
        await Step(auth, RfcServerFirst);

        var e = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(serverFinal), Ct));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.False(auth.IsComplete);
    }

    [Fact]
    public async Task Challenges_out_of_order_are_illegal_state()
    {
        using var fresh = Create(ScramMechanism.Sha256Name, "user", "pencil", RfcClientNonce);
        Assert.Equal(ErrorCode.IllegalSaslState, (await Assert.ThrowsAsync<AuthenticationException>(async () => await fresh.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(RfcServerFirst), Ct))).ErrorCode);

        using var done = await AfterClientFirst();
        await Step(done, RfcServerFirst);
        await done.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(RfcServerFinal), Ct);
        Assert.Equal(ErrorCode.IllegalSaslState, (await Assert.ThrowsAsync<AuthenticationException>(async () => await done.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(RfcServerFinal), Ct))).ErrorCode);
        Assert.True(done.IsComplete);
        Assert.Equal(ErrorCode.IllegalSaslState, (await Assert.ThrowsAsync<AuthenticationException>(async () => await done.InitialResponseAsync(Ct))).ErrorCode);
    }

    [Fact]
    public async Task Each_authentication_gets_a_fresh_random_nonce() // C4: re-authentication uses a new exchange
    {
        var mechanism = ScramMechanism.Sha512("user", "pencil");
        using var a = mechanism.CreateAuthenticator(Broker);
        using var b = mechanism.CreateAuthenticator(Broker);

        string first = Encoding.UTF8.GetString((await a.InitialResponseAsync(Ct)).Span);
        string second = Encoding.UTF8.GetString((await b.InitialResponseAsync(Ct)).Span);

        Assert.StartsWith("n,,n=user,r=", first, StringComparison.Ordinal);
        Assert.StartsWith("n,,n=user,r=", second, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.DoesNotContain(',', first["n,,n=user,r=".Length..]);
        Assert.Equal("SCRAM-SHA-512", mechanism.Name);
    }

    [Fact]
    public async Task A_second_authenticator_completes_the_same_vector_again() // C4
    {
        int calls = 0;
        var mechanism = new ScramMechanism("scram-sha-256", "user", "pencil", tokenAuthentication: false, () => { calls++; return RfcClientNonce; });

        for (int i = 0; i < 2; i++)
        {
            using var auth = mechanism.CreateAuthenticator(Broker);
            await auth.InitialResponseAsync(Ct);
            Assert.Equal(RfcClientFinal, await Step(auth, RfcServerFirst));
            Assert.Null(await auth.EvaluateChallengeAsync(Encoding.UTF8.GetBytes(RfcServerFinal), Ct));
            Assert.True(auth.IsComplete);
        }

        Assert.Equal(2, calls);
    }

    [Theory]
    [InlineData("SCRAM-SHA-1")]
    [InlineData("PLAIN")]
    public void Non_scram_mechanism_names_are_rejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new ScramMechanism(name, "user", "pw"));

        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has,comma")]
    [InlineData("has space")]
    public void An_injected_nonce_must_be_printable_without_commas(string nonce)
    {
        var mechanism = new ScramMechanism(ScramMechanism.Sha256Name, "user", "pw", tokenAuthentication: false, () => nonce);

        Assert.Throws<ArgumentException>(() => mechanism.CreateAuthenticator(Broker));
    }
}
