using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace RxKafka.Network.Transports;

/// <summary>
/// TLS settings for connections to brokers (Kafka's <c>security.protocol=SSL</c>). By default the
/// broker's certificate is checked by the platform: it must chain to a trusted root and name the host.
/// </summary>
public sealed record TlsOptions
{
    /// <summary>The defaults: platform validation, the OS's protocol versions, no client certificate.</summary>
    public static TlsOptions Default { get; } = new();

    /// <summary>
    /// The name the broker's certificate must carry (and the SNI name sent); <see langword="null"/>
    /// (the default) uses the host being connected to.
    /// </summary>
    public string? TargetHost { get; init; }

    /// <summary>
    /// Decides whether the broker's certificate is accepted, replacing the built-in check entirely.
    /// <see langword="null"/> (the default) validates the chain and the host name; leave it so unless
    /// you really mean to accept certificates the platform would reject.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>
    /// Certificates (with private keys) offered when the broker asks the client to authenticate
    /// (mutual TLS, the broker's <c>ssl.client.auth=required</c>).
    /// </summary>
    public X509Certificate2Collection? ClientCertificates { get; init; }

    /// <summary>
    /// Certificate authorities that the broker's certificate must chain to, instead of the system's
    /// trusted roots (Kafka's <c>ssl.truststore</c>): typically a private CA.
    /// </summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; init; }

    /// <summary>The allowed TLS versions; <see cref="SslProtocols.None"/> (the default) lets the OS choose.</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    /// <summary>Whether the broker's certificate is checked for revocation (online). Default <see langword="false"/>.</summary>
    public bool CheckCertificateRevocation { get; init; }
}
