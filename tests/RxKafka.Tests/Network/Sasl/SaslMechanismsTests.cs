using System.Text;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Gssapi;
using RxKafka.Network.Sasl.Plain;
using RxKafka.Network.Sasl.Scram;

namespace RxKafka.Tests.Network.Sasl;

public sealed class SaslMechanismsTests
{
    private static readonly SaslContext Broker = new("broker-1.example", 9093, IsTls: true);

    private static Dictionary<string, string> Config(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Plain_from_config_names_sends_those_credentials() // C3
    {
        var mechanism = SaslMechanisms.Create(Config(("sasl.mechanism", "PLAIN"), ("sasl.username", "alice"), ("sasl.password", "pw")));

        var plain = Assert.IsType<PlainMechanism>(mechanism);
        using var auth = plain.CreateAuthenticator(Broker);
        Assert.Equal("\0alice\0pw"u8.ToArray(), (await auth.InitialResponseAsync(TestContext.Current.CancellationToken)).ToArray());
    }

    [Theory]
    [InlineData("SCRAM-SHA-256", "SCRAM-SHA-256")]
    [InlineData("scram-sha-512", "SCRAM-SHA-512")]
    [InlineData(" SCRAM-SHA-512 ", "SCRAM-SHA-512")]
    public void Scram_names_are_accepted_case_insensitively(string configured, string name) // C3
    {
        var mechanism = SaslMechanisms.Create(configured, Config(("sasl.username", "alice"), ("sasl.password", "pw")));

        var scram = Assert.IsType<ScramMechanism>(mechanism);
        Assert.Equal(name, scram.Name);
        Assert.Equal("alice", scram.Username);
    }

    [Fact]
    public void The_librdkafka_spelling_sasl_mechanisms_is_accepted_and_the_default_is_GSSAPI()
    {
        var scram = SaslMechanisms.Create(Config(("sasl.mechanisms", "SCRAM-SHA-256"), ("sasl.username", "a"), ("sasl.password", "b")));
        var gssapi = SaslMechanisms.Create(Config(("sasl.kerberos.service.name", "kafka-svc")));

        Assert.Equal("SCRAM-SHA-256", scram.Name);
        Assert.Equal("kafka-svc", Assert.IsType<GssapiMechanism>(gssapi).ServiceName);
    }

    [Fact]
    public void An_unknown_mechanism_is_a_config_error_naming_it_and_the_supported_ones() // C3
    {
        var e = Assert.Throws<KafkaConfigException>(() => SaslMechanisms.Create(Config(("sasl.mechanism", "SCRAM-SHA-1"))));

        Assert.Equal("sasl.mechanism", e.ConfigName);
        Assert.Equal(ErrorCode.InvalidConfig, e.ErrorCode);
        Assert.Contains("'SCRAM-SHA-1'", e.Message, StringComparison.Ordinal);
        foreach (string supported in SaslMechanisms.Supported)
        {
            Assert.Contains(supported, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("PLAIN", "sasl.username")]
    [InlineData("SCRAM-SHA-256", "sasl.username")]
    public void A_missing_username_names_the_setting(string mechanism, string missing)
    {
        var e = Assert.Throws<KafkaConfigException>(() => SaslMechanisms.Create(mechanism, Config(("sasl.password", "pw"))));

        Assert.Equal(missing, e.ConfigName);
        Assert.Contains(mechanism, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_blank_password_names_the_setting()
    {
        var e = Assert.Throws<KafkaConfigException>(() => SaslMechanisms.Create("SCRAM-SHA-512", Config(("sasl.username", "a"), ("sasl.password", "  "))));

        Assert.Equal("sasl.password", e.ConfigName);
    }

    [Fact]
    public void A_NUL_in_a_PLAIN_password_is_a_config_error_on_the_password()
    {
        var e = Assert.Throws<KafkaConfigException>(() => SaslMechanisms.Create("PLAIN", Config(("sasl.username", "a"), ("sasl.password", "p\0w"))));

        Assert.Equal("sasl.password", e.ConfigName);
        Assert.IsType<ArgumentException>(e.InnerException);
        Assert.DoesNotContain("p\0w", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oauthbearer_without_a_token_provider_explains_what_to_do()
    {
        var e = Assert.Throws<KafkaConfigException>(() => SaslMechanisms.Create("OAUTHBEARER", Config()));

        Assert.Equal("sasl.mechanism", e.ConfigName);
        Assert.Contains("token provider", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oauthbearer_unsecured_jwt_from_config() // C3
    {
        var mechanism = SaslMechanisms.Create(Config(
            ("sasl.mechanism", "OAUTHBEARER"),
            ("enable.sasl.oauthbearer.unsecure.jwt", "true"),
            ("sasl.oauthbearer.config", "principal=alice scope=read,write lifeSeconds=60 extension_traceId=abc")));

        using var auth = mechanism.CreateAuthenticator(Broker);
        string message = Encoding.UTF8.GetString((await auth.InitialResponseAsync(TestContext.Current.CancellationToken)).Span);

        Assert.Equal("OAUTHBEARER", mechanism.Name);
        Assert.StartsWith("n,,\u0001auth=Bearer eyJhbGciOiJub25lIn0.", message, StringComparison.Ordinal);
        Assert.EndsWith(".\u0001traceId=abc\u0001\u0001", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scope=read", "principal=NAME is required")]
    [InlineData("principal=alice lifeSeconds=-1", "lifeSeconds '-1'")]
    [InlineData("principal=alice colour=blue", "unknown setting 'colour'")]
    [InlineData("principal=alice extension_auth=x", "reserved")]
    [InlineData("principal", "'principal' is not name=value")]
    public void Oauthbearer_config_errors_name_the_problem(string settings, string expected)
    {
        var e = Assert.Throws<KafkaConfigException>(() => SaslMechanisms.Create("OAUTHBEARER", Config(
            ("enable.sasl.oauthbearer.unsecure.jwt", "true"), ("sasl.oauthbearer.config", settings))));

        Assert.Equal("sasl.oauthbearer.config", e.ConfigName);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_kerberos_service_name_is_a_config_error()
    {
        var e = Assert.Throws<KafkaConfigException>(() => SaslMechanisms.Create("GSSAPI", Config(("sasl.kerberos.service.name", "kafka/host"))));

        Assert.Equal("sasl.kerberos.service.name", e.ConfigName);
    }
}
