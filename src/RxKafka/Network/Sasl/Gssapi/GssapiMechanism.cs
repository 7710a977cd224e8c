using System.Net;
using System.Net.Security;

namespace RxKafka.Network.Sasl.Gssapi;

/// <summary>
/// SASL GSSAPI (Kerberos, RFC 4752) through the platform's GSS-API (<see cref="NegotiateAuthentication"/>:
/// MIT/Heimdal Kerberos on Linux and macOS, SSPI on Windows). The client needs a ticket (kinit or a
/// keytab the platform is set up to use) or explicit credentials.
/// </summary>
public sealed class GssapiMechanism : ISaslMechanism
{
    private readonly string _serviceName;
    private readonly string? _hostOverride;
    private readonly NetworkCredential? _credential;
    private readonly Func<NegotiateAuthenticationClientOptions, IGssContext> _contextFactory;

    /// <summary>Creates the mechanism.</summary>
    /// <param name="serviceName">The broker's Kerberos service name (Kafka <c>sasl.kerberos.service.name</c>); the principal is <c>serviceName/host</c>.</param>
    /// <param name="hostOverride">The host for the service principal instead of the host connected to (e.g. the canonical name behind a load balancer).</param>
    /// <param name="credential">Explicit credentials; by default the platform's current ones (the ticket cache).</param>
    /// <exception cref="ArgumentException"><paramref name="serviceName"/> is empty, or a value contains '/' or '@'.</exception>
    public GssapiMechanism(string serviceName = "kafka", string? hostOverride = null, NetworkCredential? credential = null)
        : this(serviceName, hostOverride, credential, contextFactory: null)
    {
    }

    /// <summary>As the public constructor, with the GSS-API context made by <paramref name="contextFactory"/> (tests).</summary>
    internal GssapiMechanism(string serviceName, string? hostOverride, NetworkCredential? credential, Func<NegotiateAuthenticationClientOptions, IGssContext>? contextFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        if (serviceName.AsSpan().IndexOfAny('/', '@') >= 0)
        {
            throw new ArgumentException($"The Kerberos service name '{serviceName}' must not contain '/' or '@'; give the service only (e.g. 'kafka').", nameof(serviceName));
        }

        if (hostOverride is not null && (hostOverride.Length == 0 || hostOverride.AsSpan().IndexOfAny('/', '@') >= 0))
        {
            throw new ArgumentException($"The Kerberos host '{hostOverride}' must be a non-empty host name without '/' or '@'.", nameof(hostOverride));
        }

        _serviceName = serviceName;
        _hostOverride = hostOverride;
        _credential = credential;
        _contextFactory = contextFactory ?? (static options => new NegotiateGssContext(options));
    }

    /// <summary>Always <c>GSSAPI</c>.</summary>
    public string Name => "GSSAPI";

    /// <summary>The broker's Kerberos service name.</summary>
    public string ServiceName => _serviceName;

    /// <inheritdoc/>
    /// <exception cref="AuthenticationException">The platform has no usable GSS-API/Kerberos support.</exception>
    public ISaslAuthenticator CreateAuthenticator(SaslContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string targetName = TargetName(context);
        var options = new NegotiateAuthenticationClientOptions
        {
            Package = "Kerberos",
            TargetName = targetName,
            Credential = _credential ?? CredentialCache.DefaultNetworkCredentials,
            RequiredProtectionLevel = ProtectionLevel.None,
        };

        IGssContext gss;
        try
        {
            gss = _contextFactory(options);
        }
        catch (Exception e) when (e is not KafkaException)
        {
            throw new AuthenticationException(
                $"GSSAPI: Kerberos is not available on this machine for {targetName} ({e.GetType().Name}: {e.Message}). Install the GSS-API library (e.g. libgssapi-krb5-2) or choose another SASL mechanism.",
                e);
        }

        return new GssapiAuthenticator(gss, targetName, authorizationId: null);
    }

    /// <summary>The service principal name, <c>service/host</c>.</summary>
    internal string TargetName(SaslContext context) => $"{_serviceName}/{_hostOverride ?? context.Host}";
}
