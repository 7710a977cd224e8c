namespace RxKafka;

/// <summary>
/// How connections to brokers are secured (Kafka's <c>security.protocol</c>): whether bytes travel
/// over TLS and whether the client authenticates with SASL. It must match the broker's listener.
/// </summary>
public enum SecurityProtocol
{
    /// <summary><c>PLAINTEXT</c>: plain TCP, no authentication (Kafka's default).</summary>
    Plaintext,

    /// <summary><c>SSL</c>: TLS, optionally with a client certificate (mutual TLS).</summary>
    Ssl,

    /// <summary><c>SASL_PLAINTEXT</c>: SASL authentication over plain TCP.</summary>
    SaslPlaintext,

    /// <summary><c>SASL_SSL</c>: SASL authentication over TLS.</summary>
    SaslSsl,
}

/// <summary>What a <see cref="SecurityProtocol"/> implies.</summary>
internal static class SecurityProtocols
{
    /// <summary>Whether connections use TLS (SSL, SASL_SSL).</summary>
    public static bool UsesTls(this SecurityProtocol protocol) => protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;

    /// <summary>Whether connections authenticate with SASL (SASL_PLAINTEXT, SASL_SSL).</summary>
    public static bool UsesSasl(this SecurityProtocol protocol) => protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;

    /// <summary>Kafka's spelling: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL.</summary>
    public static string ToConfigValue(this SecurityProtocol protocol) => protocol switch
    {
        SecurityProtocol.Plaintext => "PLAINTEXT",
        SecurityProtocol.Ssl => "SSL",
        SecurityProtocol.SaslPlaintext => "SASL_PLAINTEXT",
        SecurityProtocol.SaslSsl => "SASL_SSL",
        _ => protocol.ToString(),
    };
}
