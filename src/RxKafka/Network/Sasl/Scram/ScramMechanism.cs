using System.Security.Cryptography;

namespace RxKafka.Network.Sasl.Scram;

/// <summary>
/// SASL SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677): a salted challenge-response that never
/// sends the password and checks that the broker knows the credential too (the server signature).
/// Also Kafka's delegation-token mode (the <c>tokenauth=true</c> extension; user name = token id,
/// password = token HMAC).
/// </summary>
public sealed class ScramMechanism : ISaslMechanism
{
    /// <summary>The name of SCRAM with SHA-256.</summary>
    public const string Sha256Name = "SCRAM-SHA-256";

    /// <summary>The name of SCRAM with SHA-512.</summary>
    public const string Sha512Name = "SCRAM-SHA-512";

    private readonly string _username;
    private readonly string _password;
    private readonly Func<string> _nonceSource;

    /// <summary>Creates the mechanism for one set of credentials.</summary>
    /// <param name="mechanism"><see cref="Sha256Name"/> or <see cref="Sha512Name"/> (case-insensitive).</param>
    /// <param name="username">The SCRAM user name (Kafka <c>sasl.username</c>), or the delegation token id; not empty.</param>
    /// <param name="password">The password (Kafka <c>sasl.password</c>), or the delegation token's HMAC; not empty.</param>
    /// <param name="tokenAuthentication">Authenticate with a Kafka delegation token (sends the <c>tokenauth=true</c> extension).</param>
    /// <exception cref="ArgumentException"><paramref name="mechanism"/> is not a SCRAM mechanism, or a credential is empty.</exception>
    public ScramMechanism(string mechanism, string username, string password, bool tokenAuthentication = false)
        : this(mechanism, username, password, tokenAuthentication, nonceSource: null)
    {
    }

    /// <summary>As the public constructor, with the client nonce taken from <paramref name="nonceSource"/> (tests).</summary>
    internal ScramMechanism(string mechanism, string username, string password, bool tokenAuthentication, Func<string>? nonceSource)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        Algorithm = ScramAlgorithm.FromName(mechanism)
            ?? throw new ArgumentException($"'{mechanism}' is not a SCRAM mechanism; use {Sha256Name} or {Sha512Name}.", nameof(mechanism));
        if (username.Length == 0)
        {
            throw new ArgumentException("The SCRAM user name must not be empty.", nameof(username));
        }

        if (password.Length == 0)
        {
            throw new ArgumentException("The SCRAM password must not be empty.", nameof(password));
        }

        _username = username;
        _password = password;
        TokenAuthentication = tokenAuthentication;
        _nonceSource = nonceSource ?? NewNonce;
    }

    /// <summary>SCRAM-SHA-256 with a user name and password.</summary>
    /// <param name="username">The SCRAM user name.</param>
    /// <param name="password">The password.</param>
    public static ScramMechanism Sha256(string username, string password) => new(Sha256Name, username, password);

    /// <summary>SCRAM-SHA-512 with a user name and password.</summary>
    /// <param name="username">The SCRAM user name.</param>
    /// <param name="password">The password.</param>
    public static ScramMechanism Sha512(string username, string password) => new(Sha512Name, username, password);

    /// <summary><see cref="Sha256Name"/> or <see cref="Sha512Name"/>.</summary>
    public string Name => Algorithm.Name;

    /// <summary>The SCRAM user name (or delegation token id).</summary>
    public string Username => _username;

    /// <summary>Whether this authenticates with a Kafka delegation token.</summary>
    public bool TokenAuthentication { get; }

    internal ScramAlgorithm Algorithm { get; }

    /// <inheritdoc/>
    public ISaslAuthenticator CreateAuthenticator(SaslContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ScramAuthenticator(Algorithm, _username, _password, TokenAuthentication, _nonceSource());
    }

    // 24 random bytes, base64: printable and free of ',' as RFC 5802 requires.
    private static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}
