using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RxKafka.Tests.Network;

/// <summary>A throwaway CA with a server and a client certificate, made in memory (no files).</summary>
internal sealed class TestCertificates : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private TestCertificates(string caName)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Authority = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        Server = Issue("CN=localhost", ServerAuth, san =>
        {
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
        });
        Client = Issue("CN=rxkafka-test-client", ClientAuth, san => san.AddDnsName("rxkafka-test-client"));
    }

    /// <summary>The self-signed CA.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The broker's certificate for localhost and 127.0.0.1, with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>A client certificate for mutual TLS, with its private key.</summary>
    public X509Certificate2 Client { get; }

    public static TestCertificates Create(string caName = "RxKafka Test CA") => new(caName);

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private X509Certificate2 Issue(string subject, string usage, Action<SubjectAlternativeNameBuilder> names)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());

        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        // Inside the authority's validity, which was fixed when it was made (a fresh UtcNow here could fall after it).
        using var issued = request.Create(Authority, Authority.NotBefore.ToUniversalTime().AddMinutes(1), Authority.NotAfter.ToUniversalTime().AddMinutes(-1), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
