using System.Security.Cryptography.X509Certificates;

namespace RxKafka.Testing.MockCluster;

/// <summary>
/// The test PKI that <c>scripts/setup.sh</c> generates once (with openssl) in
/// <see cref="MockLibraries.TlsDirectory"/>: a test CA, a server certificate for <c>localhost</c>
/// (SAN DNS:localhost, IP:127.0.0.1) signed by it, and a self-signed "untrusted" certificate with the
/// same names that no test trusts.
/// </summary>
public sealed class TestCertificates
{
    private TestCertificates(string directory)
    {
        Directory = directory;
    }

    /// <summary>The folder holding the PEM files.</summary>
    public string Directory { get; }

    /// <summary>The test CA's certificate (PEM); trust this one and only this one.</summary>
    public string CaCertificatePath => Path.Combine(Directory, "ca.crt");

    /// <summary>The server certificate for localhost, signed by the test CA (PEM).</summary>
    public string ServerCertificatePath => Path.Combine(Directory, "server.crt");

    /// <summary>The server certificate's private key (PEM, unencrypted).</summary>
    public string ServerKeyPath => Path.Combine(Directory, "server.key");

    /// <summary>A self-signed certificate for localhost that the test CA did not sign (PEM).</summary>
    public string UntrustedCertificatePath => Path.Combine(Directory, "untrusted.crt");

    /// <summary>The untrusted certificate's private key (PEM, unencrypted).</summary>
    public string UntrustedKeyPath => Path.Combine(Directory, "untrusted.key");

    /// <summary>Finds the certificates in <see cref="MockLibraries.TlsDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing: run <c>scripts/setup.sh</c>.</exception>
    public static TestCertificates Find()
    {
        var certificates = new TestCertificates(MockLibraries.TlsDirectory);
        foreach (var path in new[]
                 {
                     certificates.CaCertificatePath, certificates.ServerCertificatePath, certificates.ServerKeyPath,
                     certificates.UntrustedCertificatePath, certificates.UntrustedKeyPath,
                 })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Test certificate {path} not found: run scripts/setup.sh to generate the test CA and certificates.", path);
            }
        }

        return certificates;
    }

    /// <summary>Loads the test CA's certificate.</summary>
    public X509Certificate2 LoadCaCertificate() =>
#if NET9_0_OR_GREATER
        X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath);
#else
        new(CaCertificatePath);
#endif

    /// <summary>
    /// A chain policy that trusts the test CA alone (no system roots, no revocation checks), for
    /// <c>SslClientAuthenticationOptions.CertificateChainPolicy</c>: with it, the default validation
    /// accepts <see cref="ServerCertificatePath"/> for "localhost" or "127.0.0.1" and rejects the
    /// untrusted certificate and any other host name.
    /// </summary>
    public X509ChainPolicy CreateChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(LoadCaCertificate());
        return policy;
    }
}
