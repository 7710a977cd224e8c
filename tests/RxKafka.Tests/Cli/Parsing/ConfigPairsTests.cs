using RxKafka.Cli.Parsing;
using RxKafka.Client;

namespace RxKafka.Tests.Cli.Parsing;

public sealed class ConfigPairsTests
{
    [Theory]
    [InlineData("security.protocol=SSL", "security.protocol", "SSL")]
    [InlineData("ssl.endpoint.identification.algorithm=", "ssl.endpoint.identification.algorithm", "")]
    [InlineData("sasl.password=a=b", "sasl.password", "a=b")]
    [InlineData(" client.id = me ", "client.id", "me")]
    public void Splits_at_the_first_equals_sign(string text, string key, string value)
    {
        Assert.True(ConfigPairs.TryParse(text, out var pair, out var error), error);
        Assert.Equal(new KeyValuePair<string, string>(key, value), pair);
    }

    [Theory]
    [InlineData("security.protocol", "is not key=value")]
    [InlineData("=SSL", "has no key")]
    [InlineData("", "is not key=value")]
    public void Refuses_a_setting_without_a_key_or_an_equals_sign(string text, string reason)
    {
        Assert.False(ConfigPairs.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_setting_of_the_same_key_wins()
    {
        var settings = ConfigPairs.ToDictionary([new("client.id", "first"), new("metadata.max.age.ms", "1000"), new("client.id", "second")]);

        Assert.Equal("second", settings["client.id"]);
        Assert.Equal("1000", settings["metadata.max.age.ms"]);
    }

    [Fact]
    public void The_settings_are_what_KafkaClientOptions_reads()
    {
        var settings = ConfigPairs.ToDictionary(new[] { "bootstrap.servers=localhost:9092", "metadata.max.age.ms=1500" }
            .Select(text => ConfigPairs.TryParse(text, out var pair, out _) ? pair : throw new InvalidOperationException(text)));

        var options = KafkaClientOptions.FromConfig(settings);

        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.MetadataMaxAge);
        Assert.Equal("localhost:9092", Assert.Single(options.BootstrapServers).ToString());
    }
}
