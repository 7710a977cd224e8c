using System.Buffers.Binary;
using System.Text;

namespace RxKafka.Network.Sasl.Gssapi;

/// <summary>
/// The RFC 4752 section 3.1 security-layer negotiation that follows the Kerberos context: the server
/// offers layers and a maximum message size in 4 octets; the client picks one and may add an
/// authorization identity. RxKafka always picks "no security layer" (TLS protects the wire if needed).
/// </summary>
internal static class GssapiSecurityLayer
{
    internal const byte NoSecurityLayer = 0x01;
    internal const byte Integrity = 0x02;
    internal const byte Confidentiality = 0x04;

    /// <summary>Parses the unwrapped server offer: a layer bit mask and a 3-octet big-endian maximum size.</summary>
    /// <exception cref="AuthenticationException">The offer is not exactly 4 octets.</exception>
    internal static (byte SupportedLayers, int MaxMessageSize) ParseServerOffer(ReadOnlySpan<byte> unwrapped)
    {
        if (unwrapped.Length != 4)
        {
            throw new AuthenticationException($"GSSAPI: the broker's security-layer offer is {unwrapped.Length} bytes; RFC 4752 requires exactly 4 (layer mask + 3-byte maximum size).");
        }

        int maxSize = (unwrapped[1] << 16) | (unwrapped[2] << 8) | unwrapped[3];
        return (unwrapped[0], maxSize);
    }

    /// <summary>The client's answer before wrapping: <c>0x01 0 0 0</c> (no security layer, size 0) then the UTF-8 authorization identity, if any.</summary>
    /// <exception cref="AuthenticationException">The server does not offer "no security layer".</exception>
    internal static byte[] BuildClientReply(byte supportedLayers, string? authorizationId)
    {
        if ((supportedLayers & NoSecurityLayer) == 0)
        {
            throw new AuthenticationException($"GSSAPI: the broker offers only the security layers {Describe(supportedLayers)}; RxKafka supports only 'no security layer' (use SASL_SSL for protection on the wire).");
        }

        int idLength = authorizationId is null ? 0 : Encoding.UTF8.GetByteCount(authorizationId);
        byte[] reply = new byte[4 + idLength];

        // The maximum size MUST be 0 when no security layer is chosen (RFC 4752 section 3.1).
        BinaryPrimitives.WriteInt32BigEndian(reply, NoSecurityLayer << 24);
        if (authorizationId is not null)
        {
            Encoding.UTF8.GetBytes(authorizationId, reply.AsSpan(4));
        }

        return reply;
    }

    internal static string Describe(byte layers)
    {
        var names = new List<string>(3);
        if ((layers & NoSecurityLayer) != 0)
        {
            names.Add("none");
        }

        if ((layers & Integrity) != 0)
        {
            names.Add("integrity");
        }

        if ((layers & Confidentiality) != 0)
        {
            names.Add("confidentiality");
        }

        return names.Count == 0 ? $"(none at all: mask 0x{layers:X2})" : $"{string.Join(", ", names)} (mask 0x{layers:X2})";
    }
}
