using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Network.Sasl;

namespace RxKafka.Tests.Network;

/// <summary>
/// A connection's settings are derived from the client's: Kafka's config names reach a connection
/// through <see cref="KafkaClientOptions"/>, and a connection made with no options has the client's defaults.
/// (ConnectionOptions.FromConfig is gone with the public record; these replace its tests.)
/// </summary>
public sealed class ConnectionOptionsTests
{
    [Fact]
    public void Kafka_config_names_reach_the_connection_through_the_client_options()
    {
        var options = KafkaClientOptions.FromConfig(new Dictionary<string, string>
        {
            ["client.id"] = "orders-service",
            ["request.timeout.ms"] = "15000",
            ["connections.max.idle.ms"] = "-1",
            ["rxkafka.connection.setup.timeout.ms"] = "5000",
            ["socket.connection.setup.timeout.ms"] = "2000", // the transport's connect timeout: not this one
            ["receive.message.max.bytes"] = "50000",
            ["security.protocol"] = "SASL_PLAINTEXT",
            ["sasl.mechanism"] = "SCRAM-SHA-512",
            ["sasl.username"] = "alice",
            ["sasl.password"] = "secret",
            ["linger.ms"] = "5", // another layer's setting: ignored here
        }).ToConnectionOptions();

        Assert.Equal("orders-service", options.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(15), options.RequestTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.MaxIdle);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SetupTimeout);
        Assert.Equal(50000, options.MaxFrameSize);
        Assert.Equal("SCRAM-SHA-512", Assert.IsAssignableFrom<ISaslMechanism>(options.Sasl).Name);
    }

    [Fact]
    public void A_connections_defaults_are_the_clients_written_once()
    {
        var derived = new KafkaClientOptions().ToConnectionOptions();
        var standalone = new ConnectionOptions();

        Assert.Equal(standalone, derived);
        Assert.Equal(KafkaDefaults.RequestTimeout, derived.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), derived.RequestTimeout);
        Assert.Equal(KafkaDefaults.ConnectionsMaxIdle, derived.MaxIdle);
        Assert.Equal(KafkaDefaults.ConnectionSetupTimeout, derived.SetupTimeout);
        Assert.Equal(KafkaDefaults.MaxFrameSize, derived.MaxFrameSize);
        Assert.Equal(KafkaDefaults.ConnectionMaxRequestSize, derived.MaxRequestSize);
        Assert.Null(derived.Sasl);
    }

    [Theory]
    [InlineData("request.timeout.ms", "soon", "not a whole number")]
    [InlineData("request.timeout.ms", "0", "out of range")]
    [InlineData("request.timeout.ms", "-1", "out of range")]
    [InlineData("connections.max.idle.ms", "-5", "out of range")]
    [InlineData("security.protocol", "QUANTUM", "is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")]
    public void Bad_values_name_the_setting(string name, string value, string expected)
    {
        var e = Assert.Throws<KafkaConfigException>(() => KafkaClientOptions.FromConfig(new Dictionary<string, string> { [name] = value }));
        Assert.Equal(name, e.ConfigName);
        Assert.Contains(expected, e.Message);
        Assert.Contains(name, e.Message);
    }
}
