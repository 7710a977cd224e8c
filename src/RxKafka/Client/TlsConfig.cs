using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RxKafka.Network.Transports;

namespace RxKafka.Client;

/// <summary>
/// Builds <see cref="TlsOptions"/> from Kafka's <c>ssl.*</c> settings: PEM files (as librdkafka reads
/// them), PKCS12 key and trust stores (as the Java client reads them), the host-name check switch and
/// the TLS versions. Java KeyStores (JKS) are refused with a hint to convert them.
/// </summary>
internal static class TlsConfig
{
    internal const string CaLocation = "ssl.ca.location";
    internal const string CertificateLocation = "ssl.certificate.location";
    internal const string KeyLocation = "ssl.key.location";
    internal const string KeyPassword = "ssl.key.password";
    internal const string KeystoreLocation = "ssl.keystore.location";
    internal const string KeystorePassword = "ssl.keystore.password";
    internal const string KeystoreType = "ssl.keystore.type";
    internal const string TruststoreLocation = "ssl.truststore.location";
    internal const string TruststorePassword = "ssl.truststore.password";
    internal const string TruststoreType = "ssl.truststore.type";
    internal const string EndpointIdentificationAlgorithm = "ssl.endpoint.identification.algorithm";
    internal const string EnabledProtocols = "ssl.enabled.protocols";

    private enum StoreFormat
    {
        Pem,
        Pkcs12,
    }

    /// <summary>Reads the <c>ssl.*</c> settings; files are loaded now, so a bad path fails here and not at the first connect.</summary>
    /// <exception cref="KafkaConfigException">A file is missing or unreadable, or a value is not valid; the message names the setting.</exception>
    public static TlsOptions FromConfig(IReadOnlyDictionary<string, string> config)
    {
        var trusted = new X509Certificate2Collection();
        var client = new X509Certificate2Collection();

        if (Location(config, CaLocation, allowFolder: true) is { } ca)
        {
            trusted.AddRange(Directory.Exists(ca) ? LoadPemFolder(ca) : LoadPemCertificates(CaLocation, ca));
        }

        if (Location(config, TruststoreLocation, allowFolder: false) is { } truststore)
        {
            trusted.AddRange(Format(config, TruststoreType, TruststoreLocation, truststore) == StoreFormat.Pem
                ? LoadPemCertificates(TruststoreLocation, truststore)
                : LoadPkcs12File(TruststoreLocation, truststore, Password(config, TruststorePassword)));
        }

        var certificate = Location(config, CertificateLocation, allowFolder: false);
        var key = Location(config, KeyLocation, allowFolder: false);
        if (certificate is not null)
        {
            client.Add(LoadPemClientCertificate(CertificateLocation, certificate, key, Password(config, KeyPassword)));
        }
        else if (key is not null)
        {
            throw new KafkaConfigException(CertificateLocation, $"is required with {KeyLocation} ('{key}'): the PEM file of the client certificate that goes with the key");
        }

        if (Location(config, KeystoreLocation, allowFolder: false) is { } keystore)
        {
            client.Add(Format(config, KeystoreType, KeystoreLocation, keystore) == StoreFormat.Pem
                ? LoadPemClientCertificate(KeystoreLocation, keystore, keyPath: null, Password(config, KeyPassword))
                : ClientCertificateOf(KeystoreLocation, keystore, LoadPkcs12File(KeystoreLocation, keystore, Password(config, KeystorePassword))));
        }

        return new TlsOptions
        {
            TrustedCertificateAuthorities = trusted.Count > 0 ? trusted : null,
            ClientCertificates = client.Count > 0 ? client : null,
            ServerCertificateValidation = ChecksHostName(config) ? null : AcceptAnyHostName,
            EnabledProtocols = Protocols(config),
        };
    }

    /// <summary>
    /// Accepts a certificate whose only fault is its name (<c>ssl.endpoint.identification.algorithm</c>
    /// empty or <c>none</c>): the chain must still lead to a trusted authority.
    /// </summary>
    internal static bool AcceptAnyHostName(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;

    private static bool ChecksHostName(IReadOnlyDictionary<string, string> config)
    {
        var algorithm = ConfigValues.Text(config, EndpointIdentificationAlgorithm);
        return algorithm?.Trim().ToLowerInvariant() switch
        {
            null or "https" => true,
            "" or "none" => false,
            _ => throw new KafkaConfigException(EndpointIdentificationAlgorithm, $"'{algorithm}' is not https (check the broker's host name, the default), or empty or none (skip the host-name check, keep the certificate check)"),
        };
    }

    private static SslProtocols Protocols(IReadOnlyDictionary<string, string> config)
    {
        if (ConfigValues.Text(config, EnabledProtocols) is not { } text)
        {
            return SslProtocols.None;
        }

        var protocols = SslProtocols.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            protocols |= part.ToUpperInvariant() switch
            {
                "TLSV1.2" => SslProtocols.Tls12,
                "TLSV1.3" => SslProtocols.Tls13,
                _ => throw new KafkaConfigException(EnabledProtocols, $"'{part}' in '{text}' is not supported; use TLSv1.2, TLSv1.3 or both"),
            };
        }

        return protocols;
    }

    private static string? Location(IReadOnlyDictionary<string, string> config, string name, bool allowFolder)
    {
        var path = ConfigValues.Text(config, name)?.Trim();
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        if (!File.Exists(path) && !(allowFolder && Directory.Exists(path)))
        {
            var relative = Path.IsPathRooted(path) ? string.Empty : $" (relative to {Environment.CurrentDirectory})";
            throw new KafkaConfigException(name, $"'{path}' does not exist{relative}");
        }

        return path;
    }

    private static string? Password(IReadOnlyDictionary<string, string> config, string name) =>
        ConfigValues.Text(config, name) is { Length: > 0 } password ? password : null;

    /// <summary>The store's format: from its type setting when given, else from the file's first bytes.</summary>
    private static StoreFormat Format(IReadOnlyDictionary<string, string> config, string typeName, string locationName, string path)
    {
        if (ConfigValues.Text(config, typeName) is { } type && !string.IsNullOrWhiteSpace(type))
        {
            return type.Trim().ToUpperInvariant() switch
            {
                "PKCS12" => StoreFormat.Pkcs12,
                "PEM" => StoreFormat.Pem,
                "JKS" => throw JksNotSupported(typeName, path),
                _ => throw new KafkaConfigException(typeName, $"'{type}' is not one of PKCS12, PEM (JKS is not supported)"),
            };
        }

        var head = new byte[64];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        // Java KeyStores begin with the magic number 0xFEEDFEED (JKS) or 0xCECECECE (JCEKS).
        if (read >= 4 && ((head[0] == 0xFE && head[1] == 0xED && head[2] == 0xFE && head[3] == 0xED) || (head[0] == 0xCE && head[1] == 0xCE && head[2] == 0xCE && head[3] == 0xCE)))
        {
            throw JksNotSupported(locationName, path);
        }

        return System.Text.Encoding.ASCII.GetString(head, 0, read).Contains("-----BEGIN", StringComparison.Ordinal) ? StoreFormat.Pem : StoreFormat.Pkcs12;
    }

    private static KafkaConfigException JksNotSupported(string name, string path) =>
        new(name, $"'{path}' is a Java KeyStore (JKS), which RxKafka does not read: convert it to PKCS12 " +
                  $"(keytool -importkeystore -srckeystore {path} -destkeystore store.p12 -deststoretype PKCS12) or use PEM files " +
                  $"({CaLocation}, {CertificateLocation}, {KeyLocation})");

    private static X509Certificate2Collection LoadPemCertificates(string name, string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new KafkaConfigException(name, $"'{path}' could not be read as PEM certificates: {e.Message}", e);
        }

        if (certificates.Count == 0)
        {
            throw new KafkaConfigException(name, $"'{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        return certificates;
    }

    /// <summary>A folder of CA certificates, as librdkafka accepts for <c>ssl.ca.location</c>: every .pem, .crt and .cer file in it.</summary>
    private static X509Certificate2Collection LoadPemFolder(string folder)
    {
        var certificates = new X509Certificate2Collection();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            if (Path.GetExtension(file).ToLowerInvariant() is ".pem" or ".crt" or ".cer")
            {
                certificates.AddRange(LoadPemCertificates(CaLocation, file));
            }
        }

        if (certificates.Count == 0)
        {
            throw new KafkaConfigException(CaLocation, $"the folder '{folder}' holds no .pem, .crt or .cer file of CA certificates");
        }

        return certificates;
    }

    /// <summary>A certificate and its private key from PEM: the key from <paramref name="keyPath"/>, or from the certificate's file when null.</summary>
    private static X509Certificate2 LoadPemClientCertificate(string name, string path, string? keyPath, string? password)
    {
        // Read the certificate alone first, so a failure below is the key's.
        LoadPemCertificates(name, path);
        X509Certificate2 certificate;
        try
        {
            certificate = password is null
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            var keyName = keyPath is null ? name : KeyLocation;
            var hint = password is null ? $"an encrypted key needs {KeyPassword}" : $"check {KeyPassword}";
            throw new KafkaConfigException(keyName, $"the private key in '{keyPath ?? path}' could not be read or does not belong to the certificate in '{path}' ({hint}): {e.Message}", e);
        }

        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        // Windows' TLS cannot use the ephemeral key a PEM import makes: round-trip it through PKCS12.
        using (certificate)
        {
            return ClientCertificateOf(name, path, LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null));
        }
    }

    private static X509Certificate2 ClientCertificateOf(string name, string path, X509Certificate2Collection store)
    {
        foreach (var certificate in store)
        {
            if (certificate.HasPrivateKey)
            {
                return certificate;
            }
        }

        throw new KafkaConfigException(name, $"'{path}' holds no certificate with a private key: a key store must hold the client's certificate and key");
    }

    private static X509Certificate2Collection LoadPkcs12File(string name, string path, string? password)
    {
        try
        {
            return LoadPkcs12(File.ReadAllBytes(path), password);
        }
        catch (CryptographicException e)
        {
            throw new KafkaConfigException(name, $"'{path}' could not be read as PKCS12 (wrong password, or not a PKCS12 file?): {e.Message}", e);
        }
    }

    private static X509Certificate2Collection LoadPkcs12(byte[] data, string? password)
    {
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12Collection(data, password);
#else
        var certificates = new X509Certificate2Collection();
        certificates.Import(data, password, X509KeyStorageFlags.DefaultKeySet);
        return certificates;
#endif
    }
}
