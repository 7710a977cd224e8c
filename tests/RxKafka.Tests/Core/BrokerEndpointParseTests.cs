using RxKafka.Network;

namespace RxKafka.Tests.Core;

/// <summary>C11: broker addresses and bootstrap lists.</summary>
public sealed class BrokerEndpointParseTests
{
    public static TheoryData<string, string, int> ValidAddresses => new()
    {
        { "broker-1", "broker-1", 9092 },
        { "broker-1:9093", "broker-1", 9093 },
        { "  broker-1:9093  ", "broker-1", 9093 },
        { "\tkafka.example.com:1\n", "kafka.example.com", 1 },
        { "kafka.example.com:65535", "kafka.example.com", 65535 },
        { "127.0.0.1", "127.0.0.1", 9092 },
        { "127.0.0.1:19092", "127.0.0.1", 19092 },
        { "kafka_internal:9092", "kafka_internal", 9092 },
        { "[::1]", "::1", 9092 },
        { "[::1]:9093", "::1", 9093 },
        { "[2001:db8::17]:29092", "2001:db8::17", 29092 },
        { "::1", "::1", 9092 },
        { "2001:db8::17", "2001:db8::17", 9092 },
        { "fe80::1%eth0", "fe80::1%eth0", 9092 },
        { "[fe80::1%eth0]:9094", "fe80::1%eth0", 9094 },
        { "::ffff:10.0.0.1", "::ffff:10.0.0.1", 9092 },
        { "PLAINTEXT://broker-1:9092", "broker-1", 9092 },
        { "SSL://broker-2:9093", "broker-2", 9093 },
        { "SASL_SSL://[::1]:9094", "::1", 9094 },
        { "plaintext://broker-3", "broker-3", 9092 },
        { "broker-1:09093", "broker-1", 9093 },
    };

    [Theory]
    [MemberData(nameof(ValidAddresses))]
    public void C11_a_valid_address_parses(string address, string host, int port)
    {
        Assert.Equal(new BrokerEndpoint(host, port), BrokerEndpoint.Parse(address));
        Assert.True(BrokerEndpoint.TryParse(address, out var endpoint));
        Assert.Equal(new BrokerEndpoint(host, port), endpoint);
    }

    public static TheoryData<string, string> InvalidAddresses => new()
    {
        { "", "empty" },
        { "   ", "empty" },
        { ":9092", "host is empty" },
        { "broker-1:", "port after ':' is empty" },
        { "broker-1:0", "'0' is not a number from 1 to 65535" },
        { "broker-1:65536", "'65536' is not a number from 1 to 65535" },
        { "broker-1:-1", "'-1' is not a number from 1 to 65535" },
        { "broker-1:+80", "'+80' is not a number from 1 to 65535" },
        { "broker-1:http", "'http' is not a number from 1 to 65535" },
        { "broker-1:99999999999", "'99999999999' is not a number" },
        { "broker 1:9092", "whitespace" },
        { "broker-1: 9092", "whitespace" },
        { "[::1", "'[' has no matching ']'" },
        { "::1]", "unbalanced" },
        { "broker]:9092", "unbalanced" },
        { "[]:9092", "between '[' and ']' is empty" },
        { "[::1]9092", "unexpected '9092' after ']'" },
        { "[::1]:", "port after ':' is empty" },
        { "[broker-1]:9092", "'broker-1' is not an IPv6 address" },
        { "[::1]:70000", "'70000' is not a number from 1 to 65535" },
        { "1::2::3", "not an IPv6 address" },
        { "broker-1:9092:9093", "not an IPv6 address" },
        { "bro/ker:9092", "contains '/'" },
        { "://broker-1:9092", "not a listener name" },
        { "1PLAIN://broker-1:9092", "not a listener name" },
    };

    [Theory]
    [MemberData(nameof(InvalidAddresses))]
    public void C11_an_invalid_address_is_a_config_error_naming_the_entry(string address, string reason)
    {
        var error = Assert.Throws<KafkaConfigException>(() => BrokerEndpoint.Parse(address));

        Assert.Equal("bootstrap.servers", error.ConfigName);
        Assert.Contains($"'{address}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(BrokerEndpoint.TryParse(address, out _));
    }

    [Fact]
    public void C11_null_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => BrokerEndpoint.Parse(null!));
        Assert.False(BrokerEndpoint.TryParse(null, out _));
    }

    [Theory]
    [InlineData("broker-1", 9092, "broker-1:9092")]
    [InlineData("::1", 9093, "[::1]:9093")]
    [InlineData("fe80::1%eth0", 9092, "[fe80::1%eth0]:9092")]
    public void C11_ToString_round_trips_through_Parse(string host, int port, string text)
    {
        var endpoint = new BrokerEndpoint(host, port);

        Assert.Equal(text, endpoint.ToString());
        Assert.Equal(endpoint, BrokerEndpoint.Parse(endpoint.ToString()));
    }

    [Fact]
    public void C11_a_bootstrap_list_keeps_its_order_trims_and_defaults_the_port()
    {
        var servers = BootstrapServers.Parse(" broker-1:9092 ,broker-2, [::1]:9093,SSL://broker-3:9094");

        Assert.Equal(
            [new("broker-1", 9092), new("broker-2", 9092), new("::1", 9093), new("broker-3", 9094)],
            servers);
    }

    [Fact]
    public void C11_a_bootstrap_list_skips_empty_entries_as_Kafka_does()
    {
        // Kafka's ClientUtils.parseAndValidateAddresses skips empty entries.
        var servers = BootstrapServers.Parse(",broker-1:9092,, ,broker-2:9092,");

        Assert.Equal([new("broker-1", 9092), new("broker-2", 9092)], servers);
    }

    [Fact]
    public void C11_a_bootstrap_list_drops_duplicates_keeping_the_first()
    {
        var servers = BootstrapServers.Parse("b:9092,a:9092,B:9092,b,a:9093,PLAINTEXT://a:9092");

        Assert.Equal([new("b", 9092), new("a", 9092), new("a", 9093)], servers);
    }

    [Fact]
    public void C11_a_bootstrap_list_is_read_from_an_enumerable_too()
    {
        var servers = BootstrapServers.Parse(["broker-1:9092", "", "broker-2:9093,broker-3"]);

        Assert.Equal([new("broker-1", 9092), new("broker-2", 9093), new("broker-3", 9092)], servers);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(",, ,")]
    public void C11_an_empty_bootstrap_list_is_a_config_error(string list)
    {
        var error = Assert.Throws<KafkaConfigException>(() => BootstrapServers.Parse(list));

        Assert.Equal("bootstrap.servers", error.ConfigName);
        Assert.Contains("no bootstrap servers", error.Message, StringComparison.Ordinal);
        Assert.Throws<KafkaConfigException>(() => BootstrapServers.Parse(Array.Empty<string>()));
    }

    [Fact]
    public void C11_a_bad_entry_in_a_bootstrap_list_is_named()
    {
        var error = Assert.Throws<KafkaConfigException>(() => BootstrapServers.Parse("broker-1:9092, broker-2:99999 ,broker-3"));

        Assert.Contains("'broker-2:99999'", error.Message, StringComparison.Ordinal);
        Assert.Contains("bootstrap.servers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void C11_shuffle_is_a_permutation_driven_by_the_random_passed_in()
    {
        const string list = "b0,b1,b2,b3,b4,b5,b6,b7,b8,b9";
        var ordered = BootstrapServers.Parse(list);

        var first = BootstrapServers.Parse(list, new Random(42));
        var again = BootstrapServers.Parse(list, new Random(42));
        var orders = Enumerable.Range(0, 20).Select(seed => string.Join(",", BootstrapServers.Parse(list, new Random(seed)))).ToHashSet();

        Assert.Equal(first, again);
        Assert.Equal(ordered.OrderBy(e => e.Host), first.OrderBy(e => e.Host));
        Assert.True(orders.Count > 1, "different seeds should give different orders");
        Assert.Contains(orders, o => o != string.Join(",", ordered));
    }
}
