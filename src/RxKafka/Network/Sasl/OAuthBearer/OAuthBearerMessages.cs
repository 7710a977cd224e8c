using System.Text;
using System.Text.Json;

namespace RxKafka.Network.Sasl.OAuthBearer;

/// <summary>The RFC 7628 client initial response and its validation rules.</summary>
internal static class OAuthBearerMessages
{
    /// <summary>The RFC 7628 key/value separator (Control-A).</summary>
    internal const char Separator = '\u0001';

    /// <summary>
    /// <c>n,,^Aauth=Bearer token^A[key=value^A]...^A</c> (RFC 7628 section 3.1), extensions in ordinal
    /// key order so the bytes are deterministic.
    /// </summary>
    internal static byte[] ClientInitialResponse(OAuthBearerToken token)
    {
        var text = new StringBuilder("n,,").Append(Separator).Append("auth=Bearer ").Append(ValidateTokenValue(token.Value, "token")).Append(Separator);
        if (token.Extensions is { Count: > 0 } extensions)
        {
            ValidateExtensions(extensions, "extensions");
            foreach (var pair in extensions.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(pair.Key).Append('=').Append(pair.Value).Append(Separator);
            }
        }

        text.Append(Separator);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Checks an RFC 6750 b64token: 1*(ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/") *"=".</summary>
    internal static string ValidateTokenValue(string? value, string paramName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException("The OAUTHBEARER token must not be null or empty.", paramName);
        }

        int end = value.Length;
        while (end > 0 && value[end - 1] == '=')
        {
            end--;
        }

        if (end == 0)
        {
            throw new ArgumentException("The OAUTHBEARER token is only padding ('='); it must start with at least one token character.", paramName);
        }

        for (int i = 0; i < end; i++)
        {
            char c = value[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/'))
            {
                throw new ArgumentException($"The OAUTHBEARER token has a character not allowed in an RFC 6750 b64token at index {i} (U+{(int)c:X4}); allowed: letters, digits, '-', '.', '_', '~', '+', '/' and trailing '='.", paramName);
            }
        }

        return value;
    }

    /// <summary>Checks RFC 7628 extensions: key = 1*ALPHA and not "auth"; value = 1*(VCHAR / SP / HTAB / CR / LF) (Kafka requires at least one character).</summary>
    internal static IReadOnlyDictionary<string, string>? ValidateExtensions(IReadOnlyDictionary<string, string>? extensions, string paramName)
    {
        if (extensions is null)
        {
            return null;
        }

        foreach (var (key, value) in extensions)
        {
            if (string.IsNullOrEmpty(key) || !key.All(char.IsAsciiLetter))
            {
                throw new ArgumentException($"The OAUTHBEARER extension key '{key}' is not valid: RFC 7628 keys are one or more ASCII letters.", paramName);
            }

            if (string.Equals(key, "auth", StringComparison.Ordinal))
            {
                throw new ArgumentException("The OAUTHBEARER extension key 'auth' is reserved for the token itself (RFC 7628).", paramName);
            }

            if (string.IsNullOrEmpty(value))
            {
                throw new ArgumentException($"The OAUTHBEARER extension '{key}' has an empty value; Kafka requires at least one character.", paramName);
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (!(c is >= '\x21' and <= '\x7E' or ' ' or '\t' or '\r' or '\n'))
                {
                    throw new ArgumentException($"The OAUTHBEARER extension '{key}' has a character not allowed by RFC 7628 at index {i} (U+{(int)c:X4}); allowed: printable ASCII, space, tab, CR, LF.", paramName);
                }
            }
        }

        return extensions;
    }

    /// <summary>Describes a server error challenge (RFC 7628 section 3.2.2 JSON): its status, scope and the raw JSON.</summary>
    internal static string DescribeServerError(ReadOnlySpan<byte> challenge)
    {
        string json = Encoding.UTF8.GetString(challenge.Length <= 4096 ? challenge : challenge[..4096]);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out JsonElement status))
            {
                string text = $"status '{status}'";
                if (document.RootElement.TryGetProperty("scope", out JsonElement scope))
                {
                    text += $", scope '{scope}'";
                }

                return $"{text} (server response {json})";
            }
        }
        catch (JsonException)
        {
            // Not JSON: report the raw text below.
        }

        return $"server response {json}";
    }
}
