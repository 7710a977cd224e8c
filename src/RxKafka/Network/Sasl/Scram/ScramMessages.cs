using System.Globalization;
using System.Text;

namespace RxKafka.Network.Sasl.Scram;

/// <summary>The server-first-message of RFC 5802 section 7, parsed.</summary>
internal readonly record struct ScramServerFirst(string Nonce, byte[] Salt, int Iterations);

/// <summary>Building and parsing the SCRAM messages of RFC 5802 (text, UTF-8, comma-separated attributes).</summary>
internal static class ScramMessages
{
    /// <summary>The GS2 header: no channel binding, no authorization identity.</summary>
    internal const string Gs2Header = "n,,";

    /// <summary>base64("n,,"): the c= attribute of the client-final-message.</summary>
    internal const string ChannelBinding = "biws";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The saslname of RFC 5802: the user name normalised (NFKC, the part of SASLprep that matters
    /// in practice) with '=' written as "=3D" and ',' as "=2C".
    /// </summary>
    internal static string EscapeUsername(string username)
    {
        string normalized = username.Normalize(NormalizationForm.FormKC);
        return normalized.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
    }

    /// <summary>client-first-message-bare: <c>n=user,r=nonce[,tokenauth=true]</c>.</summary>
    internal static string ClientFirstBare(string username, string clientNonce, bool tokenAuthentication) =>
        tokenAuthentication
            ? $"n={EscapeUsername(username)},r={clientNonce},tokenauth=true"
            : $"n={EscapeUsername(username)},r={clientNonce}";

    /// <summary>client-final-message-without-proof: <c>c=biws,r=nonce</c>.</summary>
    internal static string ClientFinalWithoutProof(string serverNonce) => $"c={ChannelBinding},r={serverNonce}";

    /// <summary>Checks that a client nonce is printable ASCII without ',' (RFC 5802 "printable").</summary>
    internal static void ValidateClientNonce(string nonce)
    {
        if (nonce.Length == 0)
        {
            throw new ArgumentException("The SCRAM client nonce must not be empty.", nameof(nonce));
        }

        foreach (char c in nonce)
        {
            if (c < 0x21 || c > 0x7E || c == ',')
            {
                throw new ArgumentException($"The SCRAM client nonce must be printable ASCII without ','; found U+{(int)c:X4}.", nameof(nonce));
            }
        }
    }

    /// <summary>Decodes a server message as strict UTF-8.</summary>
    internal static string DecodeServerMessage(ReadOnlySpan<byte> bytes, string mechanism, string messageName)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new AuthenticationException($"{mechanism}: the server's {messageName} is not valid UTF-8.", e);
        }
    }

    /// <summary>Parses <c>[m=ext,]r=nonce,s=salt,i=count[,ext...]</c> and checks it against the client nonce.</summary>
    /// <exception cref="AuthenticationException">An attribute is missing or malformed, the nonce does not extend the client's, or the iteration count is out of range.</exception>
    internal static ScramServerFirst ParseServerFirst(string message, string clientNonce, string mechanism)
    {
        const string Name = "server-first-message";
        if (message.StartsWith("e=", StringComparison.Ordinal))
        {
            throw new AuthenticationException($"{mechanism}: the server rejected the client-first-message: {message[2..]}");
        }

        if (message.StartsWith("m=", StringComparison.Ordinal))
        {
            throw new AuthenticationException($"{mechanism}: the {Name} asks for a mandatory extension (m=) that RxKafka does not support.");
        }

        string? nonce = null, salt = null, iterations = null;
        foreach (string attribute in message.Split(','))
        {
            if (attribute.Length < 2 || attribute[1] != '=')
            {
                throw new AuthenticationException($"{mechanism}: the {Name} has a malformed attribute '{Truncate(attribute)}' (expected x=value).");
            }

            switch (attribute[0])
            {
                case 'r': nonce ??= attribute[2..]; break;
                case 's': salt ??= attribute[2..]; break;
                case 'i': iterations ??= attribute[2..]; break;
                default: break; // optional extensions are ignored (RFC 5802 section 5.1)
            }
        }

        if (nonce is null)
        {
            throw new AuthenticationException($"{mechanism}: the {Name} is missing the nonce (r=).");
        }

        if (salt is null)
        {
            throw new AuthenticationException($"{mechanism}: the {Name} is missing the salt (s=).");
        }

        if (iterations is null)
        {
            throw new AuthenticationException($"{mechanism}: the {Name} is missing the iteration count (i=).");
        }

        if (!nonce.StartsWith(clientNonce, StringComparison.Ordinal))
        {
            throw new AuthenticationException($"{mechanism}: the server nonce does not start with the client nonce; the {Name} does not answer this client (possible replay or man-in-the-middle).");
        }

        if (nonce.Length == clientNonce.Length)
        {
            throw new AuthenticationException($"{mechanism}: the server nonce adds nothing to the client nonce (RFC 5802 requires the server to append its own).");
        }

        byte[] saltBytes = DecodeBase64(salt, mechanism, $"salt (s=) of the {Name}");
        if (saltBytes.Length == 0)
        {
            throw new AuthenticationException($"{mechanism}: the salt (s=) of the {Name} is empty.");
        }

        if (!IsDigits(iterations) || !int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            throw new AuthenticationException($"{mechanism}: the iteration count (i=) '{Truncate(iterations)}' of the {Name} is not a positive integer.");
        }

        if (count < ScramAlgorithm.MinIterations)
        {
            throw new AuthenticationException($"{mechanism}: the server asked for {count} iterations, less than the minimum {ScramAlgorithm.MinIterations}; the credential is too weak (Kafka rejects it too).");
        }

        if (count > ScramAlgorithm.MaxIterations)
        {
            throw new AuthenticationException($"{mechanism}: the server asked for {count} iterations, more than RxKafka's ceiling {ScramAlgorithm.MaxIterations}.");
        }

        return new ScramServerFirst(nonce, saltBytes, count);
    }

    /// <summary>Parses <c>v=signature[,ext...]</c> or <c>e=error</c>; returns the decoded signature.</summary>
    /// <exception cref="AuthenticationException">The server reported an error, or the message has no valid verifier.</exception>
    internal static byte[] ParseServerFinal(string message, string mechanism)
    {
        const string Name = "server-final-message";
        string first = message.Split(',', 2)[0];
        if (first.StartsWith("e=", StringComparison.Ordinal))
        {
            throw new AuthenticationException($"{mechanism}: the server rejected the authentication: {first[2..]}");
        }

        if (!first.StartsWith("v=", StringComparison.Ordinal))
        {
            throw new AuthenticationException($"{mechanism}: the {Name} has neither a verifier (v=) nor an error (e=): '{Truncate(first)}'.");
        }

        return DecodeBase64(first[2..], mechanism, $"server signature (v=) of the {Name}");
    }

    private static byte[] DecodeBase64(string text, string mechanism, string what)
    {
        // The buffer is bounded by the text the server actually sent.
        byte[] buffer = new byte[(text.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(text, buffer, out int written))
        {
            throw new AuthenticationException($"{mechanism}: the {what} is not valid base64.");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    private static bool IsDigits(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "...");
}
