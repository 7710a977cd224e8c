using System.Text;

namespace RxKafka.Network.Sasl.Plain;

/// <summary>
/// SASL PLAIN (RFC 4616): the user name and password in one message. The password crosses the wire
/// as is, so use it only over TLS (SASL_SSL); the connection warns otherwise.
/// </summary>
public sealed class PlainMechanism : ISaslMechanism
{
    private readonly string _username;
    private readonly string _password;
    private readonly string? _authorizationId;

    /// <summary>Creates the mechanism for one set of credentials.</summary>
    /// <param name="username">The authentication identity (Kafka <c>sasl.username</c>); not empty.</param>
    /// <param name="password">The password (Kafka <c>sasl.password</c>); not empty.</param>
    /// <param name="authorizationId">The identity to act as, if different from <paramref name="username"/>; usually <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A value is empty where it must not be, or contains a NUL character (the message's separator).</exception>
    public PlainMechanism(string username, string password, string? authorizationId = null)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        RequireNoNul(username, nameof(username));
        RequireNoNul(password, nameof(password));
        if (authorizationId is not null)
        {
            RequireNoNul(authorizationId, nameof(authorizationId));
        }

        if (username.Length == 0)
        {
            throw new ArgumentException("The SASL PLAIN user name must not be empty (RFC 4616).", nameof(username));
        }

        if (password.Length == 0)
        {
            throw new ArgumentException("The SASL PLAIN password must not be empty (RFC 4616).", nameof(password));
        }

        _username = username;
        _password = password;
        _authorizationId = authorizationId;
    }

    /// <summary>Always <c>PLAIN</c>.</summary>
    public string Name => "PLAIN";

    /// <summary>Always <see langword="true"/>: PLAIN sends the password itself.</summary>
    public bool SendsSecretInClear => true;

    /// <summary>The authentication identity.</summary>
    public string Username => _username;

    /// <inheritdoc/>
    public ISaslAuthenticator CreateAuthenticator(SaslContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PlainAuthenticator(BuildMessage(_authorizationId, _username, _password));
    }

    /// <summary>authzid NUL authcid NUL passwd, UTF-8 (RFC 4616 section 2).</summary>
    internal static byte[] BuildMessage(string? authorizationId, string username, string password)
    {
        string text = string.Concat(authorizationId ?? string.Empty, "\0", username, "\0", password);
        return Encoding.UTF8.GetBytes(text);
    }

    private static void RequireNoNul(string value, string paramName)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The SASL PLAIN {paramName} must not contain a NUL character: NUL separates the fields of the PLAIN message (RFC 4616).", paramName);
        }
    }
}
