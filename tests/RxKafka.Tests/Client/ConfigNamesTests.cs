using System.Reflection;
using System.Text.RegularExpressions;
using RxKafka.Client;
using RxKafka.Network.Sasl;
using RxKafka.Producer;

namespace RxKafka.Tests.Client;

/// <summary>
/// Fail fast on config names: a misspelt name is an error that names the nearest known one, a name another
/// layer reads is passed over, and <c>ignoreUnknown</c> lets settings meant for other clients through.
/// </summary>
public sealed class ConfigNamesTests
{
    [Theory]
    [InlineData("metdata.max.age.ms", "metadata.max.age.ms")]
    [InlineData("linger.msec", "linger.ms")]
    [InlineData("bootstrap.server", "bootstrap.servers")]
    [InlineData("Request.Timeout.MS", "request.timeout.ms")]
    public void A_misspelt_name_is_an_error_naming_it_and_the_nearest_known_name(string misspelt, string meant)
    {
        var error = Assert.Throws<KafkaConfigException>(() => ProducerOptions.FromConfig(new() { ["bootstrap.servers"] = "b:9092", [misspelt] = "100" }));

        Assert.Equal(misspelt, error.ConfigName);
        Assert.Contains($"did you mean '{meant}'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_close_to_nothing_known_is_an_error_without_a_guess()
    {
        var error = Assert.Throws<KafkaConfigException>(() => KafkaClientOptions.FromConfig(new() { ["schema.registry.url"] = "http://registry" }));

        Assert.Equal("schema.registry.url", error.ConfigName);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
        Assert.Contains("ignoreUnknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void When_told_to_ignore_unknown_names_those_meant_for_other_clients_are_passed_over_and_the_rest_is_read()
    {
        var options = ProducerOptions.FromConfig(
            new() { ["bootstrap.servers"] = "b:9092", ["schema.registry.url"] = "http://registry", ["linger.ms"] = "7" },
            ignoreUnknown: true);

        Assert.Equal(TimeSpan.FromMilliseconds(7), options.Linger);
    }

    [Fact]
    public void A_client_built_from_a_producers_settings_passes_over_the_producers_names()
    {
        var options = KafkaClientOptions.FromConfig(new() { ["bootstrap.servers"] = "b:9092", ["linger.ms"] = "7", ["acks"] = "all", ["client.id"] = "orders" });

        Assert.Equal("orders", options.ClientId);
    }

    [Fact]
    public void Any_sequence_of_pairs_is_read_and_a_later_pair_overrides_an_earlier_one()
    {
        KeyValuePair<string, string>[] pairs = [new("bootstrap.servers", "b:9092"), new("client.id", "first"), new("client.id", "second")];

        var fromArray = KafkaClientOptions.FromConfig(pairs);
        var fromList = ProducerOptions.FromConfig(pairs.ToList());
        var fromReadOnly = KafkaClientOptions.FromConfig((IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["client.id"] = "third" });

        Assert.Equal("second", fromArray.ClientId);
        Assert.Equal("second", fromList.Client.ClientId);
        Assert.Equal("third", fromReadOnly.ClientId);
    }

    [Fact]
    public void The_known_names_are_exactly_the_names_the_layers_read()
    {
        // The names each layer spells out as constants; security.protocol is read by ConfigValues itself.
        var read = new[] { typeof(KafkaClientOptions), typeof(ProducerOptions), typeof(RxKafka.Consumer.ConsumerOptions), typeof(TlsConfig), typeof(SaslMechanisms), typeof(BrokerEndpoint) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)
                && (f.Name.EndsWith("Config", StringComparison.Ordinal) || f.Name == "ConfigName" || f.DeclaringType == typeof(TlsConfig)))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => Regex.IsMatch(v, @"^[a-z][a-z0-9]*(\.[a-z0-9]+)*$"))
            .Append("security.protocol")
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(read.Order(StringComparer.Ordinal), ConfigNames.All.Order(StringComparer.Ordinal));
        Assert.Empty(ConfigNames.Client.Intersect(ConfigNames.Producer));
    }
}
