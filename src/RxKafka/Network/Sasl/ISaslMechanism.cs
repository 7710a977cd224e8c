namespace RxKafka.Network.Sasl;

/// <summary>
/// A SASL mechanism as the user configures it (credentials, token provider, Kerberos service name).
/// The connection asks it for a fresh <see cref="ISaslAuthenticator"/> for every authentication,
/// including each re-authentication (KIP-368), so one mechanism serves any number of connections.
/// </summary>
/// <remarks>
/// Built-in mechanisms: <see cref="Plain.PlainMechanism"/>, <see cref="Scram.ScramMechanism"/>,
/// <see cref="OAuthBearer.OAuthBearerMechanism"/> and <see cref="Gssapi.GssapiMechanism"/>; <see cref="SaslMechanisms"/>
/// builds one from Kafka's config names.
/// </remarks>
public interface ISaslMechanism
{
    /// <summary>The mechanism's registered name, sent in SaslHandshake: <c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c>, <c>OAUTHBEARER</c>, <c>GSSAPI</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the mechanism sends the secret itself over the wire (PLAIN does). The connection logs a
    /// warning when such a mechanism runs without TLS (<see cref="SaslContext.IsTls"/> false).
    /// </summary>
    bool SendsSecretInClear => false;

    /// <summary>Creates the client side of one authentication exchange with one broker; a new state each call.</summary>
    /// <param name="context">The broker being authenticated to.</param>
    /// <exception cref="AuthenticationException">The mechanism cannot run here (e.g. no Kerberos support on this machine).</exception>
    ISaslAuthenticator CreateAuthenticator(SaslContext context);
}
