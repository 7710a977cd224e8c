using System.Net.Security;
using System.Reactive.Concurrency;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Plain;
using RxKafka.Network.Sasl.Scram;
using RxKafka.Network.Transports;
using RxKafka.Reactive;
using RxKafka.Tests.Network;

namespace RxKafka.Tests.Client;

public sealed class KafkaClientOptionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rxkafka-options-").FullName;
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly Loopback _server = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _server.Dispose();
        _certificates.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Defaults_are_the_Java_clients()
    {
        var options = new KafkaClientOptions();
        Assert.Empty(options.BootstrapServers);
        Assert.Equal("rxkafka", options.ClientId);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MetadataMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.RetryBackoff);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryBackoffMax);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.ReconnectBackoff);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReconnectBackoffMax);
        Assert.Equal(0.2, options.BackoffJitter);
        Assert.Equal(TimeSpan.FromMinutes(9), options.ConnectionsMaxIdle);
        Assert.Equal(TimeSpan.FromSeconds(10), options.SocketConnectionSetupTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ConnectionSetupTimeout);
        Assert.Equal(SecurityProtocol.Plaintext, options.SecurityProtocol);
        Assert.Null(options.Sasl);
        Assert.Same(TlsOptions.Default, options.Tls);
        Assert.Same(SocketOptions.Default, options.Socket);
        Assert.True(options.AllowAutoTopicCreation);
        Assert.True(options.MetadataAllTopics);
        Assert.Equal("auto", options.ApiVersion);
        Assert.True(options.SeparateConnectionsByWorkload);
        Assert.Equal(100 * 1024 * 1024, options.MaxFrameSize);
        Assert.Same(DefaultScheduler.Instance, options.Scheduler);
        Assert.Null(options.LoggerFactory);
        Assert.Null(options.TransportFactory);
        Assert.Null(options.Random);

        // An empty config changes nothing.
        Assert.Equal(options, KafkaClientOptions.FromConfig(new Dictionary<string, string>()));
    }

    [Fact]
    public void Every_config_name_sets_its_option()
    {
        var ca = Write("ca.pem", _certificates.Authority.ExportCertificatePem());
        var scheduler = new TestScheduler();
        var options = KafkaClientOptions.FromConfig(
            new Dictionary<string, string>
            {
                ["bootstrap.servers"] = "broker-1:9092, broker-2:9093",
                ["client.id"] = "orders-service",
                ["metadata.max.age.ms"] = "60000",
                ["request.timeout.ms"] = "15000",
                ["retry.backoff.ms"] = "200",
                ["retry.backoff.max.ms"] = "5000",
                ["reconnect.backoff.ms"] = "20",
                ["reconnect.backoff.max.ms"] = "2000",
                ["rxkafka.backoff.jitter"] = "0",
                ["connections.max.idle.ms"] = "-1",
                ["socket.connection.setup.timeout.ms"] = "3000",
                ["rxkafka.connection.setup.timeout.ms"] = "7000",
                ["security.protocol"] = "sasl_ssl",
                ["sasl.mechanism"] = "SCRAM-SHA-256",
                ["sasl.username"] = "alice",
                ["sasl.password"] = "secret",
                ["ssl.ca.location"] = ca,
                ["ssl.endpoint.identification.algorithm"] = "none",
                ["ssl.enabled.protocols"] = "TLSv1.2, TLSv1.3",
                ["socket.send.buffer.bytes"] = "131072",
                ["socket.receive.buffer.bytes"] = "65536",
                ["socket.keepalive.enable"] = "false",
                ["socket.nagle.disable"] = "FALSE",
                ["allow.auto.create.topics"] = "false",
                ["rxkafka.metadata.all.topics"] = "false",
                ["api.version"] = "3.7.1",
                ["rxkafka.connections.by.workload"] = "false",
                ["receive.message.max.bytes"] = "2000000",
                ["max.request.size"] = "1048576", // the producer's: ignored here
                ["linger.ms"] = "5", // the producer's: ignored here
            },
            scheduler);

        Assert.Equal([new BrokerEndpoint("broker-1", 9092), new BrokerEndpoint("broker-2", 9093)], options.BootstrapServers);
        Assert.Equal("orders-service", options.ClientId);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MetadataMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(15), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RetryBackoff);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryBackoffMax);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.ReconnectBackoff);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ReconnectBackoffMax);
        Assert.Equal(0, options.BackoffJitter);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.ConnectionsMaxIdle);
        Assert.Equal(TimeSpan.FromSeconds(3), options.SocketConnectionSetupTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), options.ConnectionSetupTimeout);
        Assert.Equal(SecurityProtocol.SaslSsl, options.SecurityProtocol);
        Assert.Equal("SCRAM-SHA-256", Assert.IsType<ScramMechanism>(options.Sasl).Name);
        Assert.Equal(_certificates.Authority.Thumbprint, Assert.Single(options.Tls.TrustedCertificateAuthorities!).Thumbprint);
        Assert.NotNull(options.Tls.ServerCertificateValidation);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options.Tls.EnabledProtocols);
        Assert.Equal(131072, options.Socket.SendBufferSize);
        Assert.Equal(65536, options.Socket.ReceiveBufferSize);
        Assert.False(options.Socket.KeepAlive);
        Assert.False(options.Socket.NoDelay);
        Assert.False(options.AllowAutoTopicCreation);
        Assert.False(options.MetadataAllTopics);
        Assert.Equal("3.7.1", options.ApiVersion);
        Assert.False(options.SeparateConnectionsByWorkload);
        Assert.Equal(2_000_000, options.MaxFrameSize);
        Assert.Same(scheduler, options.Scheduler);
        options.Validate();
    }

    [Theory]
    [InlineData("SSL", SecurityProtocol.Ssl)]
    [InlineData("plaintext", SecurityProtocol.Plaintext)]
    [InlineData(" Sasl_Plaintext ", SecurityProtocol.SaslPlaintext)]
    public void Security_protocol_ignores_case(string value, SecurityProtocol expected)
    {
        var options = KafkaClientOptions.FromConfig(new Dictionary<string, string>
        {
            ["security.protocol"] = value,
            ["sasl.mechanism"] = "PLAIN",
            ["sasl.username"] = "alice",
            ["sasl.password"] = "secret",
        });
        Assert.Equal(expected, options.SecurityProtocol);
        Assert.Equal(expected == SecurityProtocol.SaslPlaintext, options.Sasl is PlainMechanism);
    }

    [Fact]
    public void Socket_buffers_of_minus_one_keep_the_OS_default_and_the_Java_names_are_read_too()
    {
        var options = KafkaClientOptions.FromConfig(new Dictionary<string, string>
        {
            ["socket.send.buffer.bytes"] = "-1",
            ["send.buffer.bytes"] = "4096", // librdkafka's name wins
            ["receive.buffer.bytes"] = "32768",
        });
        Assert.Equal(0, options.Socket.SendBufferSize);
        Assert.Equal(32768, options.Socket.ReceiveBufferSize);
    }

    [Theory]
    [InlineData("auto", "auto")]
    [InlineData(" AUTO ", "auto")]
    [InlineData("2.8", "2.8")]
    [InlineData("0.10.2", "0.10.2")]
    public void Api_version_is_auto_or_a_release(string value, string expected) =>
        Assert.Equal(expected, KafkaClientOptions.FromConfig(new Dictionary<string, string> { ["api.version"] = value }).ApiVersion);

    [Fact]
    public void Pairs_are_read_like_a_dictionary_the_last_one_winning()
    {
        var options = KafkaClientOptions.FromConfig(
        [
            new("bootstrap.servers", "a:1"),
            new("client.id", "first"),
            new("client.id", "second"),
        ]);
        Assert.Equal("second", options.ClientId);
        Assert.Equal([new BrokerEndpoint("a", 1)], options.BootstrapServers);
    }

    [Fact]
    public void FromBootstrap_parses_the_list_and_keeps_the_defaults()
    {
        var options = KafkaClientOptions.FromBootstrap("a:1,[::1]:2,b");
        Assert.Equal([new BrokerEndpoint("a", 1), new BrokerEndpoint("::1", 2), new BrokerEndpoint("b", 9092)], options.BootstrapServers);
        Assert.Equal(new KafkaClientOptions { BootstrapServers = options.BootstrapServers }, options);
        options.Validate();
    }

    [Theory]
    [InlineData("bootstrap.servers", "", "no bootstrap servers")]
    [InlineData("bootstrap.servers", "broker:99999", "'broker:99999' is not a valid broker address")]
    [InlineData("metadata.max.age.ms", "5m", "'5m' is not a whole number of milliseconds")]
    [InlineData("metadata.max.age.ms", "0", "0 ms is out of range (1 to 2147483647 ms)")]
    [InlineData("request.timeout.ms", "-1", "-1 ms is out of range (1 to 2147483647 ms)")]
    [InlineData("retry.backoff.ms", "0", "0 ms is out of range (1 to 2147483647 ms)")]
    [InlineData("retry.backoff.max.ms", "1s", "'1s' is not a whole number of milliseconds")]
    [InlineData("reconnect.backoff.ms", "1.5", "'1.5' is not a whole number of milliseconds")]
    [InlineData("reconnect.backoff.max.ms", "2147483648", "2147483648 ms is out of range (1 to 2147483647 ms)")]
    [InlineData("rxkafka.backoff.jitter", "1.5", "1.5 is out of range (0 to 1)")]
    [InlineData("rxkafka.backoff.jitter", "lots", "'lots' is not a number")]
    [InlineData("connections.max.idle.ms", "-2", "-2 ms is out of range (1 to 2147483647 ms, or -1 for no limit)")]
    [InlineData("socket.connection.setup.timeout.ms", "0", "0 ms is out of range (1 to 2147483647 ms)")]
    [InlineData("rxkafka.connection.setup.timeout.ms", "never", "'never' is not a whole number of milliseconds")]
    [InlineData("security.protocol", "TLS", "'TLS' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")]
    [InlineData("socket.send.buffer.bytes", "-2", "-2 is out of range (-1 to 2147483647)")]
    [InlineData("socket.receive.buffer.bytes", "64k", "'64k' is not a whole number")]
    [InlineData("send.buffer.bytes", "-5", "-5 is out of range (-1 to 2147483647)")]
    [InlineData("receive.buffer.bytes", "big", "'big' is not a whole number")]
    [InlineData("socket.keepalive.enable", "yes", "'yes' is not true or false")]
    [InlineData("socket.nagle.disable", "1", "'1' is not true or false")]
    [InlineData("allow.auto.create.topics", "maybe", "'maybe' is not true or false")]
    [InlineData("rxkafka.metadata.all.topics", "all", "'all' is not true or false")]
    [InlineData("rxkafka.connections.by.workload", "0", "'0' is not true or false")]
    [InlineData("api.version", "latest", "'latest' is not auto or a Kafka release such as 2.8 or 3.7.1")]
    [InlineData("api.version", "3", "'3' is not auto or a Kafka release")]
    [InlineData("api.version", "3.7.1.2", "'3.7.1.2' is not auto or a Kafka release")]
    [InlineData("api.version", "v3.7", "'v3.7' is not auto or a Kafka release")]
    [InlineData("api.version", "3..7", "'3..7' is not auto or a Kafka release")]
    [InlineData("receive.message.max.bytes", "999", "999 is out of range (1000 to 2147483647)")]
    [InlineData("ssl.endpoint.identification.algorithm", "http", "'http' is not https")]
    [InlineData("ssl.enabled.protocols", "TLSv1.2,TLSv1.1", "'TLSv1.1' in 'TLSv1.2,TLSv1.1' is not supported")]
    [InlineData("ssl.keystore.type", "JCEKS", "'JCEKS' is not one of PKCS12, PEM")]
    [InlineData("sasl.mechanism", "NOPE", "unknown SASL mechanism 'NOPE'")]
    public void Malformed_values_name_the_setting_and_the_value(string name, string value, string expected)
    {
        var config = new Dictionary<string, string> { [name] = value };
        if (name.StartsWith("ssl.", StringComparison.Ordinal))
        {
            config["security.protocol"] = "SSL";
        }

        if (name == "ssl.keystore.type")
        {
            config["ssl.keystore.location"] = Write("store.p12", "not read");
        }
        else if (name.StartsWith("sasl.", StringComparison.Ordinal))
        {
            config["security.protocol"] = "SASL_PLAINTEXT";
        }

        var e = Assert.Throws<KafkaConfigException>(() => KafkaClientOptions.FromConfig(config));
        Assert.Equal(name, e.ConfigName);
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retry.backoff.ms", "retry.backoff.max.ms")]
    [InlineData("reconnect.backoff.ms", "reconnect.backoff.max.ms")]
    public void A_maximum_backoff_below_the_first_is_refused(string first, string max)
    {
        var e = Assert.Throws<KafkaConfigException>(() => KafkaClientOptions.FromConfig(new Dictionary<string, string> { [first] = "300", [max] = "250" }));
        Assert.Equal(max, e.ConfigName);
        Assert.Contains($"250 ms is less than {first} (300 ms)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_names_the_setting_of_each_mistake_made_in_code()
    {
        var valid = KafkaClientOptions.FromBootstrap("broker:9092");
        valid.Validate();
        (KafkaClientOptions Options, string ConfigName, string Message)[] mistakes =
        [
            (new KafkaClientOptions(), "bootstrap.servers", "no bootstrap servers"),
            (valid with { SecurityProtocol = SecurityProtocol.SaslSsl }, "sasl.mechanism", "security.protocol is SASL_SSL but no SASL mechanism is set"),
            (valid with { Sasl = new PlainMechanism("alice", "secret") }, "security.protocol", "a SASL mechanism (PLAIN) is set but security.protocol is PLAINTEXT"),
            (valid with { SecurityProtocol = (SecurityProtocol)9 }, "security.protocol", "9 is not a SecurityProtocol"),
            (valid with { RequestTimeout = TimeSpan.FromSeconds(-1) }, "request.timeout.ms", "-1000 ms is out of range"),
            (valid with { MetadataMaxAge = TimeSpan.Zero }, "metadata.max.age.ms", "0 ms is out of range"),
            (valid with { ConnectionsMaxIdle = TimeSpan.FromMilliseconds(-2) }, "connections.max.idle.ms", "-2 ms is out of range"),
            (valid with { SocketConnectionSetupTimeout = TimeSpan.FromDays(30) }, "socket.connection.setup.timeout.ms", "2592000000 ms is out of range"),
            (valid with { ConnectionSetupTimeout = TimeSpan.Zero }, "rxkafka.connection.setup.timeout.ms", "0 ms is out of range"),
            (valid with { RetryBackoff = TimeSpan.FromSeconds(2) }, "retry.backoff.max.ms", "1000 ms is less than retry.backoff.ms (2000 ms)"),
            (valid with { ReconnectBackoff = TimeSpan.Zero }, "reconnect.backoff.ms", "0 ms is out of range"),
            (valid with { BackoffJitter = double.NaN }, "rxkafka.backoff.jitter", "NaN is out of range (0 to 1)"),
            (valid with { ApiVersion = "newest" }, "api.version", "'newest' is not auto or a Kafka release"),
            (valid with { MaxFrameSize = 10 }, "receive.message.max.bytes", "10 is out of range (1000 to 2147483647)"),
            (valid with { ClientId = null! }, "client.id", "must not be null"),
            (valid with { Tls = null! }, "Tls", "must not be null"),
        ];

        foreach (var (options, configName, message) in mistakes)
        {
            var e = Assert.Throws<KafkaConfigException>(options.Validate);
            Assert.Equal(configName, e.ConfigName);
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToConnectionOptions_carries_every_connection_setting()
    {
        var scheduler = new TestScheduler();
        var loggers = new RecordingLoggerFactory();
        var sasl = new PlainMechanism("alice", "secret");
        var options = KafkaClientOptions.FromBootstrap("broker:9092") with
        {
            ClientId = "orders-service",
            RequestTimeout = TimeSpan.FromSeconds(12),
            ConnectionsMaxIdle = Timeout.InfiniteTimeSpan,
            ConnectionSetupTimeout = TimeSpan.FromSeconds(4),
            SecurityProtocol = SecurityProtocol.SaslPlaintext,
            Sasl = sasl,
            Scheduler = scheduler,
            LoggerFactory = loggers,
            MaxFrameSize = 4096,
        };

        var connection = options.ToConnectionOptions();
        Assert.Equal("orders-service", connection.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(12), connection.RequestTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, connection.MaxIdle);
        Assert.Equal(TimeSpan.FromSeconds(4), connection.SetupTimeout);
        Assert.Same(sasl, connection.Sasl);
        Assert.Same(scheduler, connection.Scheduler);
        Assert.NotNull(connection.Logger);
        Assert.Equal(["RxKafka.Network.KafkaConnection"], loggers.Categories);
        Assert.Equal(4096, connection.MaxFrameSize);
        // Not a client setting: the broker's default socket.request.max.bytes bounds every connection.
        Assert.Equal(KafkaDefaults.ConnectionMaxRequestSize, connection.MaxRequestSize);

        Assert.Null(new KafkaClientOptions().ToConnectionOptions().Logger);
    }

    [Fact]
    public void Backoff_options_take_the_delays_and_the_jitter()
    {
        var options = new KafkaClientOptions
        {
            RetryBackoff = TimeSpan.FromMilliseconds(10),
            RetryBackoffMax = TimeSpan.FromMilliseconds(80),
            ReconnectBackoff = TimeSpan.FromMilliseconds(5),
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(40),
            BackoffJitter = 0,
        };
        Assert.Equal(new BackoffOptions { Base = TimeSpan.FromMilliseconds(10), Max = TimeSpan.FromMilliseconds(80), JitterFactor = 0 }, options.RetryBackoffOptions);
        Assert.Equal(new BackoffOptions { Base = TimeSpan.FromMilliseconds(5), Max = TimeSpan.FromMilliseconds(40), JitterFactor = 0 }, options.ReconnectBackoffOptions);
    }

    [Theory]
    [InlineData(SecurityProtocol.Plaintext, false)]
    [InlineData(SecurityProtocol.SaslPlaintext, false)]
    [InlineData(SecurityProtocol.Ssl, true)]
    [InlineData(SecurityProtocol.SaslSsl, true)]
    public void CreateTransportFactory_picks_TLS_for_the_SSL_protocols(SecurityProtocol protocol, bool tls)
    {
        var scheduler = new TestScheduler();
        var tlsOptions = new TlsOptions { TargetHost = "kafka.example.com" };
        var options = new KafkaClientOptions
        {
            SecurityProtocol = protocol,
            Tls = tlsOptions,
            Socket = new SocketOptions { SendBufferSize = 65536 },
            SocketConnectionSetupTimeout = TimeSpan.FromSeconds(3),
            Scheduler = scheduler,
        };

        var factory = options.CreateTransportFactory();
        var socket = tls ? Assert.IsType<TlsTransportFactory>(factory).Socket : Assert.IsType<SocketTransportFactory>(factory).Options;
        if (tls)
        {
            Assert.Same(tlsOptions, ((TlsTransportFactory)factory).Tls);
        }

        Assert.Equal(65536, socket.SendBufferSize);
        Assert.Equal(TimeSpan.FromSeconds(3), socket.ConnectTimeout);
        Assert.Same(scheduler, socket.Scheduler);

        var given = new NoTransports();
        Assert.Same(given, (options with { TransportFactory = given }).CreateTransportFactory());
    }

    [Fact]
    public void Pem_files_load_the_authorities_and_the_client_certificate()
    {
        var caFile = Write("ca.pem", _certificates.Authority.ExportCertificatePem());
        var options = FromSslConfig(new()
        {
            ["ssl.ca.location"] = caFile,
            ["ssl.certificate.location"] = Write("client.pem", _certificates.Client.ExportCertificatePem()),
            ["ssl.key.location"] = Write("client.key", KeyPem(_certificates.Client)),
        });

        Assert.Equal(_certificates.Authority.Thumbprint, Assert.Single(options.Tls.TrustedCertificateAuthorities!).Thumbprint);
        var client = Assert.Single(options.Tls.ClientCertificates!);
        Assert.Equal(_certificates.Client.Thumbprint, client.Thumbprint);
        Assert.True(client.HasPrivateKey);
        Assert.Null(options.Tls.ServerCertificateValidation); // https by default: the platform checks the name

        // A folder of CA files, as librdkafka reads it; and a key encrypted with ssl.key.password.
        using var other = TestCertificates.Create("Other CA");
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "cas")).FullName;
        File.Copy(caFile, Path.Combine(folder, "a.crt"));
        File.WriteAllText(Path.Combine(folder, "b.pem"), other.Authority.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "README"), "not a certificate");
        var encrypted = FromSslConfig(new()
        {
            ["ssl.ca.location"] = folder,
            ["ssl.certificate.location"] = Write("client2.pem", _certificates.Client.ExportCertificatePem()),
            ["ssl.key.location"] = Write("client2.key", EncryptedKeyPem(_certificates.Client, "s3cret")),
            ["ssl.key.password"] = "s3cret",
        });
        Assert.Equal(
            [_certificates.Authority.Thumbprint, other.Authority.Thumbprint],
            encrypted.Tls.TrustedCertificateAuthorities!.Select(c => c.Thumbprint));
        Assert.True(Assert.Single(encrypted.Tls.ClientCertificates!).HasPrivateKey);

        // The certificate and its key in one file.
        var combined = FromSslConfig(new()
        {
            ["ssl.certificate.location"] = Write("both.pem", _certificates.Client.ExportCertificatePem() + "\n" + KeyPem(_certificates.Client)),
        });
        Assert.Equal(_certificates.Client.Thumbprint, Assert.Single(combined.Tls.ClientCertificates!).Thumbprint);
        Assert.Null(combined.Tls.TrustedCertificateAuthorities);
    }

    [Fact]
    public void Pkcs12_and_PEM_stores_load()
    {
        var options = FromSslConfig(new()
        {
            ["ssl.keystore.location"] = Write("client.p12", _certificates.Client.Export(X509ContentType.Pkcs12, "ks")),
            ["ssl.keystore.password"] = "ks",
            ["ssl.truststore.location"] = Write("trust.pfx", new X509Certificate2Collection(_certificates.Authority).Export(X509ContentType.Pkcs12, "ts")!),
            ["ssl.truststore.password"] = "ts",
        });
        Assert.Equal(_certificates.Client.Thumbprint, Assert.Single(options.Tls.ClientCertificates!).Thumbprint);
        Assert.True(options.Tls.ClientCertificates![0].HasPrivateKey);
        Assert.Equal(_certificates.Authority.Thumbprint, Assert.Single(options.Tls.TrustedCertificateAuthorities!).Thumbprint);

        // Kafka's PEM store type, named or recognised.
        var pem = FromSslConfig(new()
        {
            ["ssl.keystore.type"] = "PEM",
            ["ssl.keystore.location"] = Write("keystore.pem", _certificates.Client.ExportCertificatePem() + "\n" + KeyPem(_certificates.Client)),
            ["ssl.truststore.location"] = Write("truststore.pem", _certificates.Authority.ExportCertificatePem()),
        });
        Assert.Equal(_certificates.Client.Thumbprint, Assert.Single(pem.Tls.ClientCertificates!).Thumbprint);
        Assert.Equal(_certificates.Authority.Thumbprint, Assert.Single(pem.Tls.TrustedCertificateAuthorities!).Thumbprint);
    }

    [Theory]
    [InlineData("ssl.keystore.location")]
    [InlineData("ssl.truststore.location")]
    public void Java_keystores_are_refused_with_what_to_use_instead(string name)
    {
        var jks = Write("store.jks", new byte[] { 0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2 });
        var e = Assert.Throws<KafkaConfigException>(() => FromSslConfig(new() { [name] = jks }));
        Assert.Equal(name, e.ConfigName);
        Assert.Contains($"'{jks}' is a Java KeyStore (JKS), which RxKafka does not read", e.Message, StringComparison.Ordinal);
        Assert.Contains("PKCS12", e.Message, StringComparison.Ordinal);
        Assert.Contains("ssl.ca.location", e.Message, StringComparison.Ordinal);

        var typed = Assert.Throws<KafkaConfigException>(() => FromSslConfig(new()
        {
            ["ssl.truststore.type"] = "jks",
            ["ssl.truststore.location"] = Write("store.p12", "anything"),
        }));
        Assert.Equal("ssl.truststore.type", typed.ConfigName);
        Assert.Contains("Java KeyStore (JKS)", typed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ssl.ca.location")]
    [InlineData("ssl.certificate.location")]
    [InlineData("ssl.key.location")]
    [InlineData("ssl.keystore.location")]
    [InlineData("ssl.truststore.location")]
    public void A_missing_file_names_the_setting_and_the_path(string name)
    {
        var missing = Path.Combine(_folder, "nowhere", "file.pem");
        var config = new Dictionary<string, string> { [name] = missing };
        if (name == "ssl.key.location")
        {
            config["ssl.certificate.location"] = Write("client.pem", _certificates.Client.ExportCertificatePem());
        }

        var e = Assert.Throws<KafkaConfigException>(() => FromSslConfig(config));
        Assert.Equal(name, e.ConfigName);
        Assert.Contains($"'{missing}' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_certificates_and_keys_name_the_setting()
    {
        var certificate = Write("client.pem", _certificates.Client.ExportCertificatePem());
        using var publicOnly = X509CertificateLoader.LoadCertificate(_certificates.Authority.RawData);
        (Dictionary<string, string> Config, string Name, string Message)[] cases =
        [
            (new() { ["ssl.key.location"] = Write("k.pem", KeyPem(_certificates.Client)) }, "ssl.certificate.location", "is required with ssl.key.location"),
            (new() { ["ssl.ca.location"] = Write("empty.pem", "no certificates here") }, "ssl.ca.location", "holds no PEM certificate"),
            (new() { ["ssl.certificate.location"] = certificate }, "ssl.certificate.location", $"the private key in '{certificate}' could not be read"),
            (new() { ["ssl.certificate.location"] = certificate, ["ssl.key.location"] = Write("other.key", KeyPem(_certificates.Server)) }, "ssl.key.location", "does not belong to the certificate"),
            (new() { ["ssl.certificate.location"] = certificate, ["ssl.key.location"] = Write("enc.key", EncryptedKeyPem(_certificates.Client, "right")), ["ssl.key.password"] = "wrong" }, "ssl.key.location", "check ssl.key.password"),
            (new() { ["ssl.keystore.location"] = Write("bad.p12", _certificates.Client.Export(X509ContentType.Pkcs12, "right")), ["ssl.keystore.password"] = "wrong" }, "ssl.keystore.location", "could not be read as PKCS12"),
            (new() { ["ssl.keystore.location"] = Write("ca.p12", publicOnly.Export(X509ContentType.Pkcs12)!) }, "ssl.keystore.location", "holds no certificate with a private key"),
        ];

        foreach (var (config, name, message) in cases)
        {
            var e = Assert.Throws<KafkaConfigException>(() => FromSslConfig(config));
            Assert.Equal(name, e.ConfigName);
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plaintext_does_not_read_the_ssl_files()
    {
        var options = KafkaClientOptions.FromConfig(new Dictionary<string, string> { ["ssl.ca.location"] = Path.Combine(_folder, "absent.pem") });
        Assert.Same(TlsOptions.Default, options.Tls);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("https", false)]
    [InlineData("HTTPS", false)]
    [InlineData("", true)]
    [InlineData("none", true)]
    public void Endpoint_identification_off_skips_only_the_name_check(string? algorithm, bool skipsNameCheck)
    {
        var config = new Dictionary<string, string>();
        if (algorithm is not null)
        {
            config["ssl.endpoint.identification.algorithm"] = algorithm;
        }

        var validation = FromSslConfig(config).Tls.ServerCertificateValidation;
        Assert.Equal(skipsNameCheck, validation is not null);
        if (validation is not null)
        {
            Assert.True(validation(this, null, null, SslPolicyErrors.None));
            Assert.True(validation(this, null, null, SslPolicyErrors.RemoteCertificateNameMismatch));
            Assert.False(validation(this, null, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(validation(this, null, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(validation(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        }
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("none", true)]
    [InlineData("https", false)]
    public async Task A_broker_certificate_for_another_name_is_accepted_only_without_the_name_check(string algorithm, bool accepted)
    {
        var factory = TlsFactoryFor(_certificates.Authority, algorithm);
        _ = _server.ServeTlsAsync(_certificates.Server, requireClientCertificate: false);
        var connect = () => factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token);
        if (accepted)
        {
            await using var transport = await connect();
            Assert.Equal("ok"u8.ToArray(), await Loopback.RoundTripAsync(transport, "ok"u8.ToArray()));
        }
        else
        {
            var error = await Assert.ThrowsAsync<KafkaConnectionException>(connect);
            Assert.Contains("did not match 'kafka.example.com'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_the_name_check_an_untrusted_certificate_is_still_rejected()
    {
        using var other = TestCertificates.Create("Some Other CA");
        var factory = TlsFactoryFor(other.Authority, algorithm: "");
        _ = _server.ServeTlsAsync(_certificates.Server, requireClientCertificate: false);
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(
            () => factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token));
        Assert.Contains(nameof(SslPolicyErrors.RemoteCertificateChainErrors), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_certificate_from_PEM_files_authenticates_to_the_broker()
    {
        var options = FromSslConfig(new()
        {
            ["ssl.ca.location"] = Write("ca.pem", _certificates.Authority.ExportCertificatePem()),
            ["ssl.certificate.location"] = Write("client.pem", _certificates.Client.ExportCertificatePem()),
            ["ssl.key.location"] = Write("client.key", EncryptedKeyPem(_certificates.Client, "pw")),
            ["ssl.key.password"] = "pw",
        });

        var broker = _server.ServeTlsAsync(_certificates.Server, requireClientCertificate: true);
        await using (var transport = await options.CreateTransportFactory().ConnectAsync(new BrokerEndpoint("localhost", _server.Port), Token).AsTask().WaitAsync(Loopback.Timeout, Token))
        {
            Assert.Equal("mtls"u8.ToArray(), await Loopback.RoundTripAsync(transport, "mtls"u8.ToArray()));
        }

        var session = await broker.WaitAsync(Loopback.Timeout, Token);
        Assert.Null(session.Error);
        Assert.Equal(_certificates.Client.Thumbprint, session.ClientCertificate?.Thumbprint);
    }

    /// <summary>A TLS factory from config trusting <paramref name="authority"/>, checking the name kafka.example.com, which the broker's certificate does not carry.</summary>
    private IKafkaTransportFactory TlsFactoryFor(X509Certificate2 authority, string algorithm)
    {
        var options = FromSslConfig(new()
        {
            ["ssl.ca.location"] = Write("trusted.pem", authority.ExportCertificatePem()),
            ["ssl.endpoint.identification.algorithm"] = algorithm,
        });
        return (options with { Tls = options.Tls with { TargetHost = "kafka.example.com" } }).CreateTransportFactory();
    }

    private static KafkaClientOptions FromSslConfig(Dictionary<string, string> config)
    {
        config["bootstrap.servers"] = "localhost:9093";
        config["security.protocol"] = "SSL";
        return KafkaClientOptions.FromConfig(config);
    }

    private string Write(string name, string text) => Write(name, System.Text.Encoding.ASCII.GetBytes(text));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string KeyPem(X509Certificate2 certificate) =>
        certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();

    private static string EncryptedKeyPem(X509Certificate2 certificate, string password) =>
        certificate.GetECDsaPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem(
            password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));

    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public List<string> Categories { get; } = [];

        public ILogger CreateLogger(string categoryName)
        {
            Categories.Add(categoryName);
            return NullLogger.Instance;
        }

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class NoTransports : IKafkaTransportFactory
    {
        public ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
