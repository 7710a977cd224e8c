using System.Reactive.Concurrency;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace RxKafka.Network.Transports;

/// <summary>
/// Opens TLS connections to brokers: a TCP connection as <see cref="SocketTransportFactory"/> opens
/// it, then a TLS handshake, both within the connect timeout (<c>socket.connection.setup.timeout.ms</c>:
/// the client's value when the client built this factory, else its 10 s default).
/// </summary>
internal sealed class TlsTransportFactory : IKafkaTransportFactory
{
    /// <summary>Creates a factory.</summary>
    /// <param name="tls">The TLS settings; <see cref="TlsOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="socket">The socket settings; <see cref="SocketOptions.Default"/> when <see langword="null"/>.</param>
    public TlsTransportFactory(TlsOptions? tls = null, SocketOptions? socket = null)
    {
        Tls = tls ?? TlsOptions.Default;
        Socket = socket ?? SocketOptions.Default;
    }

    /// <summary>The TLS settings.</summary>
    public TlsOptions Tls { get; }

    /// <summary>The socket settings.</summary>
    public SocketOptions Socket { get; }

    /// <inheritdoc/>
    /// <exception cref="KafkaConnectionException">
    /// The TCP connection failed, the handshake failed or timed out, or the broker's certificate was
    /// not trusted or did not match the host name; the message says which.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = Socket.Scheduler.Schedule(Socket.ConnectTimeout, timeout.Cancel);
        var (socket, applied) = await SocketTransportFactory.ConnectSocketAsync(endpoint, Socket, timeout.Token, cancellationToken).ConfigureAwait(false);

        var targetHost = Tls.TargetHost ?? endpoint.Host;
        var validation = new Validation(Tls);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(validation.CreateOptions(targetHost), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new KafkaConnectionException(endpoint.Host, endpoint.Port, validation.DescribeFailure(e, targetHost, Socket.ConnectTimeout), e);
        }

        return PipeTransport.OverTls(socket, ssl, $"tls://{endpoint}", applied);
    }

    /// <summary>One handshake's certificate check; remembers what it found to explain a failure.</summary>
    private sealed class Validation(TlsOptions tls)
    {
        private SslPolicyErrors? _errors;
        private string? _chainStatus;
        private bool _rejectedByCallback;

        public SslClientAuthenticationOptions CreateOptions(string targetHost)
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                EnabledSslProtocols = tls.EnabledProtocols,
                CertificateRevocationCheckMode = tls.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck,
                ClientCertificates = tls.ClientCertificates,
                RemoteCertificateValidationCallback = Validate,
            };

            if (tls.TrustedCertificateAuthorities is { Count: > 0 } authorities)
            {
                // The platform builds the chain against these roots only; the name check still applies.
                var policy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = options.CertificateRevocationCheckMode,
                };
                policy.CustomTrustStore.AddRange(authorities);
                options.CertificateChainPolicy = policy;
            }

            return options;
        }

        private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            _errors = errors;
            if (chain is not null && chain.ChainStatus.Length > 0)
            {
                _chainStatus = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            }

            var accepted = tls.ServerCertificateValidation is { } callback
                ? callback(sender, certificate, chain, errors)
                : errors == SslPolicyErrors.None;
            _rejectedByCallback = !accepted && tls.ServerCertificateValidation is not null;
            return accepted;
        }

        public string DescribeFailure(Exception error, string targetHost, TimeSpan connectTimeout)
        {
            if (error is OperationCanceledException)
            {
                return $"the TLS handshake timed out after {SocketTransportFactory.Describe(connectTimeout)}";
            }

            if (_rejectedByCallback)
            {
                return $"the broker's certificate was rejected by the ServerCertificateValidation callback (SslPolicyErrors: {_errors})";
            }

            if (_errors is { } errors && errors != SslPolicyErrors.None)
            {
                var reasons = new List<string>(3);
                if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                {
                    reasons.Add("the broker presented no certificate");
                }

                if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                {
                    reasons.Add($"the name on the broker's certificate did not match '{targetHost}' (set TlsOptions.TargetHost if the broker is reached by another name)");
                }

                if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
                {
                    var status = _chainStatus is null ? string.Empty : $" ({_chainStatus})";
                    reasons.Add($"the broker's certificate was not trusted{status}: add its CA to TlsOptions.TrustedCertificateAuthorities or the system's trust store");
                }

                return $"TLS handshake failed: {string.Join("; ", reasons)}. SslPolicyErrors: {errors}";
            }

            return error switch
            {
                AuthenticationException => $"TLS handshake failed: {error.Message}{Inner(error)}; check that this port is the broker's SSL listener and that the TLS versions match",
                IOException => $"the connection was closed during the TLS handshake (is this a TLS port?): {error.Message}{Inner(error)}",
                _ => $"TLS handshake failed: {error.Message}",
            };
        }

        private static string Inner(Exception error) => error.InnerException is { } inner ? $" ({inner.Message})" : string.Empty;
    }
}
