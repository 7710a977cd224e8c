using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RxKafka.Testing.MockCluster;

/// <summary>
/// A TLS terminator in front of one plain-TCP endpoint (a mock broker): Debian's <c>stunnel4</c> in
/// the foreground, accepting TLS on a free loopback port and forwarding the plain bytes.
/// The mock cluster speaks plain TCP only; this is how a client's TLS path meets a real broker.
/// </summary>
/// <example>
/// <code>
/// using var cluster = MockKafkaCluster.Start(1);
/// using var tls = StunnelTerminator.StartFor(cluster, brokerId: 1);
/// // connect with TLS to localhost:tls.Port, trusting tls.Certificates.CaCertificatePath;
/// // Metadata now advertises broker 1 as localhost:tls.Port.
/// </code>
/// </example>
public sealed class StunnelTerminator : IDisposable
{
    private const int PortAttempts = 3;
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _workDirectory;
    private readonly StringBuilder _output;

    private StunnelTerminator(Process process, string workDirectory, StringBuilder output, int port, DnsEndPoint target, TestCertificates certificates, TlsTestCertificate served)
    {
        _process = process;
        _workDirectory = workDirectory;
        _output = output;
        Port = port;
        Target = target;
        Certificates = certificates;
        ServedCertificate = served;
    }

    /// <summary>The host name to connect to and validate: "localhost" (the certificates also name 127.0.0.1).</summary>
    public string Host => "localhost";

    /// <summary>The loopback port that accepts TLS.</summary>
    public int Port { get; }

    /// <summary>Where the plain bytes go.</summary>
    public DnsEndPoint Target { get; }

    /// <summary>Which certificate this terminator presents.</summary>
    public TlsTestCertificate ServedCertificate { get; }

    /// <summary>The test PKI (CA, server and untrusted certificates).</summary>
    public TestCertificates Certificates { get; }

    /// <summary>The test CA's certificate file (PEM): the only root a client should trust.</summary>
    public string CaCertificatePath => Certificates.CaCertificatePath;

    /// <summary>The untrusted self-signed certificate file (PEM).</summary>
    public string UntrustedCertificatePath => Certificates.UntrustedCertificatePath;

    /// <summary>What stunnel has printed so far (errors and warnings), for diagnostics.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a terminator in front of broker <paramref name="brokerId"/> of <paramref name="cluster"/>
    /// and makes the cluster advertise it (<see cref="MockKafkaCluster.SetBrokerHostPort"/>) as
    /// <c>localhost:Port</c>, so clients that follow Metadata come back through TLS.
    /// </summary>
    /// <param name="cluster">The mock cluster.</param>
    /// <param name="brokerId">The broker to front.</param>
    /// <param name="certificate">Which certificate to present.</param>
    /// <exception cref="NotSupportedException">The cluster's build (Debian's 2.0.2) cannot change what it advertises.</exception>
    public static StunnelTerminator StartFor(MockKafkaCluster cluster, int brokerId, TlsTestCertificate certificate = TlsTestCertificate.Server)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (!cluster.SupportsSetBrokerHostPort)
        {
            // Fail before starting a process: the call below would throw the same way.
            cluster.SetBrokerHostPort(brokerId, "localhost", 1);
        }

        var terminator = Start(cluster.GetBrokerListener(brokerId), certificate);
        try
        {
            cluster.SetBrokerHostPort(brokerId, terminator.Host, terminator.Port);
            return terminator;
        }
        catch
        {
            terminator.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a terminator that accepts TLS on a free loopback port and forwards to <paramref name="target"/>,
    /// and returns once the port accepts connections.
    /// </summary>
    /// <param name="target">The plain-TCP endpoint (e.g. <see cref="MockKafkaCluster.GetBrokerListener"/>).</param>
    /// <param name="certificate">Which certificate to present.</param>
    /// <param name="startTimeout">How long to wait for the port to accept connections (default 10 s).</param>
    /// <exception cref="FileNotFoundException">stunnel or a certificate is missing: run <c>scripts/setup.sh</c>.</exception>
    /// <exception cref="InvalidOperationException">stunnel exited or did not listen in time; the message carries its output.</exception>
    public static StunnelTerminator Start(DnsEndPoint target, TlsTestCertificate certificate = TlsTestCertificate.Server, TimeSpan? startTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var certificates = TestCertificates.Find();
        var executable = FindStunnel();
        var timeout = startTimeout ?? DefaultStartTimeout;

        for (var attempt = 1; ; attempt++)
        {
            // A free port can be taken between probing and stunnel's bind; then stunnel exits and we try another.
            var port = ServerProcess.FreeLoopbackPort();
            var workDirectory = Directory.CreateTempSubdirectory("rxkafka-stunnel-").FullName;
            var output = new StringBuilder();
            var process = Launch(executable, workDirectory, port, target, certificates, certificate, output);
            var ready = ServerProcess.WaitUntilListening(process, port, timeout, out var failure);
            if (ready)
            {
                return new StunnelTerminator(process, workDirectory, output, port, target, certificates, certificate);
            }

            ServerProcess.Stop(process, workDirectory);
            string log;
            lock (output)
            {
                log = output.ToString();
            }

            var portTaken = log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || attempt == PortAttempts)
            {
                throw new InvalidOperationException(
                    $"stunnel ({executable}) forwarding 127.0.0.1:{port} to {target.Host}:{target.Port} {failure}. Its output:\n{log}");
            }
        }
    }

    /// <summary>Stops stunnel and deletes its configuration.</summary>
    public void Dispose() => ServerProcess.Stop(_process, _workDirectory);

    private static Process Launch(string executable, string workDirectory, int port, DnsEndPoint target, TestCertificates certificates, TlsTestCertificate served, StringBuilder output)
    {
        var (cert, key) = served switch
        {
            TlsTestCertificate.Server => (certificates.ServerCertificatePath, certificates.ServerKeyPath),
            TlsTestCertificate.Untrusted => (certificates.UntrustedCertificatePath, certificates.UntrustedKeyPath),
            _ => throw new ArgumentOutOfRangeException(nameof(served), served, "unknown test certificate"),
        };
        var config = Path.Combine(workDirectory, "stunnel.conf");
        File.WriteAllText(config, string.Join('\n',
            "foreground = yes",
            "pid =",
            "syslog = no",
            "debug = 4",
            "[kafka]",
            FormattableString.Invariant($"accept = 127.0.0.1:{port}"),
            FormattableString.Invariant($"connect = {target.Host}:{target.Port}"),
            $"cert = {cert}",
            $"key = {key}",
            ""));

        return ServerProcess.Launch(executable, [config], workDirectory, output);
    }

    private static string FindStunnel()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "stunnel4", "stunnel" })
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("stunnel (Debian package stunnel4) not found on PATH or in /usr/bin: run scripts/setup.sh to install it.", "stunnel4");
    }
}
