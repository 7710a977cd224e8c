using System.Buffers;
using System.Text.Json;

namespace RxKafka.Network.Sasl.OAuthBearer;

/// <summary>
/// Unsecured JWTs (RFC 7519 section 6) as Kafka's unsecured OAUTHBEARER login makes them:
/// base64url(header) "." base64url(claims) "." with an empty signature.
/// </summary>
internal static class UnsecuredJwt
{
    internal static OAuthBearerToken CreateToken(string principalName, DateTimeOffset now, TimeSpan lifetime, IReadOnlyCollection<string> scope, IReadOnlyDictionary<string, string>? extensions)
    {
        long issuedAt = now.ToUnixTimeSeconds();
        long expiresAt = issuedAt + (long)Math.Ceiling(lifetime.TotalSeconds);
        string value = Create(principalName, issuedAt, expiresAt, scope);
        return new OAuthBearerToken(value, DateTimeOffset.FromUnixTimeSeconds(expiresAt), principalName, extensions);
    }

    /// <summary>The compact token for the claims <c>sub</c>, <c>iat</c>, <c>exp</c> and (when not empty) <c>scope</c>.</summary>
    internal static string Create(string subject, long issuedAtSeconds, long expiresAtSeconds, IReadOnlyCollection<string> scope)
    {
        var claims = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(claims))
        {
            json.WriteStartObject();
            json.WriteString("sub", subject);
            json.WriteNumber("iat", issuedAtSeconds);
            json.WriteNumber("exp", expiresAtSeconds);
            if (scope.Count > 0)
            {
                json.WriteStartArray("scope");
                foreach (string s in scope)
                {
                    json.WriteStringValue(s);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return $"{Base64Url("{\"alg\":\"none\"}"u8)}.{Base64Url(claims.WrittenSpan)}.";
    }

    /// <summary>base64url without padding (RFC 7515 appendix C).</summary>
    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
