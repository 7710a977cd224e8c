namespace RxKafka.Network.Sasl.OAuthBearer;

/// <summary>
/// A bearer token for SASL OAUTHBEARER, as a token provider returns it: the compact token itself,
/// when it expires, whose it is, and optional SASL extensions (RFC 7628 key/value pairs, e.g. a
/// Confluent Cloud <c>logicalCluster</c> and <c>identityPoolId</c>).
/// </summary>
/// <param name="Value">The token (an RFC 6750 b64token, e.g. a JWT).</param>
/// <param name="Expiry">When the token expires, if known.</param>
/// <param name="PrincipalName">The principal the token stands for, if known (for logs; not sent).</param>
/// <param name="Extensions">SASL extensions sent with the token: keys of letters only (not <c>auth</c>), values of printable ASCII, space, tab, CR or LF.</param>
public sealed record OAuthBearerToken(string Value, DateTimeOffset? Expiry, string? PrincipalName, IReadOnlyDictionary<string, string>? Extensions)
{
    private readonly string _value = OAuthBearerMessages.ValidateTokenValue(Value, nameof(Value));
    private readonly IReadOnlyDictionary<string, string>? _extensions = OAuthBearerMessages.ValidateExtensions(Extensions, nameof(Extensions));

    /// <summary>The token (an RFC 6750 b64token, e.g. a JWT).</summary>
    /// <exception cref="ArgumentException">Set to an empty value or one with characters outside the b64token set.</exception>
    public string Value
    {
        get => _value;
        init => _value = OAuthBearerMessages.ValidateTokenValue(value, nameof(Value));
    }

    /// <summary>SASL extensions sent with the token, or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentException">Set to extensions with a key or value RFC 7628 does not allow.</exception>
    public IReadOnlyDictionary<string, string>? Extensions
    {
        get => _extensions;
        init => _extensions = OAuthBearerMessages.ValidateExtensions(value, nameof(Extensions));
    }
}
