using RxKafka.Network;
using RxKafka.Network.Sasl;

namespace RxKafka.Tests.Network;

public sealed class ConnectionOptionsTests
{
    [Fact]
    public void Kafka_config_names_set_the_options()
    {
        var options = ConnectionOptions.FromConfig(new Dictionary<string, string>
        {
            ["client.id"] = "orders-service",
            ["request.timeout.ms"] = "15000",
            ["connections.max.idle.ms"] = "-1",
            ["rxkafka.connection.setup.timeout.ms"] = "5000",
            ["socket.connection.setup.timeout.ms"] = "2000", // the transport's connect timeout: not this one
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanism"] = "SCRAM-SHA-512",
            ["sasl.username"] = "alice",
            ["sasl.password"] = "secret",
            ["linger.ms"] = "5", // another layer's setting: ignored here
        });
        Assert.Equal("orders-service", options.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(15), options.RequestTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.MaxIdle);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SetupTimeout);
        Assert.Equal("SCRAM-SHA-512", Assert.IsAssignableFrom<ISaslMechanism>(options.Sasl).Name);
    }

    [Fact]
    public void Defaults_are_Kafkas()
    {
        var options = ConnectionOptions.FromConfig(new Dictionary<string, string>());
        Assert.Equal(TimeSpan.FromSeconds(40), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(9), options.MaxIdle);
        Assert.Null(options.Sasl);
    }

    [Theory]
    [InlineData("request.timeout.ms", "soon", "not a whole number")]
    [InlineData("request.timeout.ms", "0", "out of range")]
    [InlineData("request.timeout.ms", "-1", "out of range")]
    [InlineData("connections.max.idle.ms", "-5", "out of range")]
    [InlineData("security.protocol", "QUANTUM", "is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")]
    public void Bad_values_name_the_setting(string name, string value, string expected)
    {
        var e = Assert.Throws<KafkaConfigException>(() => ConnectionOptions.FromConfig(new Dictionary<string, string> { [name] = value }));
        Assert.Equal(name, e.ConfigName);
        Assert.Contains(expected, e.Message);
        Assert.Contains(name, e.Message);
    }
}
