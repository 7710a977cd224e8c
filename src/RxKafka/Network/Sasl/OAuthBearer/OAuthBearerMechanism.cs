using System.Reactive.Concurrency;

namespace RxKafka.Network.Sasl.OAuthBearer;

/// <summary>
/// SASL OAUTHBEARER (RFC 7628, KIP-255): sends a bearer token from an asynchronous token provider.
/// The provider is called for every authentication and re-authentication, so it can refresh tokens.
/// </summary>
public sealed class OAuthBearerMechanism : ISaslMechanism
{
    private readonly Func<CancellationToken, ValueTask<OAuthBearerToken>> _tokenProvider;

    /// <summary>Creates the mechanism over a token provider.</summary>
    /// <param name="tokenProvider">Returns a current token (fetching or refreshing it as needed); called once per authentication.</param>
    public OAuthBearerMechanism(Func<CancellationToken, ValueTask<OAuthBearerToken>> tokenProvider)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        _tokenProvider = tokenProvider;
    }

    /// <summary>Always <c>OAUTHBEARER</c>.</summary>
    public string Name => "OAUTHBEARER";

    /// <summary>
    /// A mechanism that sends unsecured JWTs (header <c>{"alg":"none"}</c>), the kind Kafka's
    /// <c>OAuthBearerUnsecuredLoginCallbackHandler</c> makes and its unsecured validator accepts.
    /// For development and tests only: anyone can forge such a token.
    /// </summary>
    /// <param name="principalName">The <c>sub</c> claim: the principal the broker will see.</param>
    /// <param name="lifetime">How long each token is valid (the <c>exp</c> claim); default one hour, as Kafka's.</param>
    /// <param name="scope">Values of the <c>scope</c> claim (a JSON array); omitted when null or empty.</param>
    /// <param name="extensions">SASL extensions sent with each token.</param>
    /// <param name="scheduler">Where the current time comes from (<c>iat</c>); default <see cref="Scheduler.Default"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="principalName"/> is empty, <paramref name="lifetime"/> is not positive, or an extension is not valid.</exception>
    public static OAuthBearerMechanism Unsecured(
        string principalName,
        TimeSpan? lifetime = null,
        IEnumerable<string>? scope = null,
        IReadOnlyDictionary<string, string>? extensions = null,
        IScheduler? scheduler = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(principalName);
        TimeSpan life = lifetime ?? TimeSpan.FromHours(1);
        if (life <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The token lifetime must be positive; got {life}.", nameof(lifetime));
        }

        string[] scopes = scope?.ToArray() ?? [];
        OAuthBearerMessages.ValidateExtensions(extensions, nameof(extensions));
        IScheduler clock = scheduler ?? Scheduler.Default;
        return new OAuthBearerMechanism(_ =>
            new ValueTask<OAuthBearerToken>(UnsecuredJwt.CreateToken(principalName, clock.Now, life, scopes, extensions)));
    }

    /// <inheritdoc/>
    public ISaslAuthenticator CreateAuthenticator(SaslContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new OAuthBearerAuthenticator(_tokenProvider);
    }
}
