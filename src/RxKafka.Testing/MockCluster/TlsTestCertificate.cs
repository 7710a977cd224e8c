namespace RxKafka.Testing.MockCluster;

/// <summary>Which of the <see cref="TestCertificates"/> a <see cref="StunnelTerminator"/> presents.</summary>
public enum TlsTestCertificate
{
    /// <summary>The server certificate for localhost, signed by the test CA: validation succeeds for "localhost".</summary>
    Server,

    /// <summary>The self-signed certificate the test CA did not sign: validation fails on trust.</summary>
    Untrusted,
}
