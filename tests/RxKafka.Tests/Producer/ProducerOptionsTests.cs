using RxKafka.Producer;
using RxKafka.Producer.Partitioning;
using RxKafka.Protocol;
using RxKafka.Serialization;

namespace RxKafka.Tests.Producer;

/// <summary>ProducerOptions: the Java client's defaults, Kafka's config names, and the checks made when a producer is created.</summary>
public sealed class ProducerOptionsTests
{
    private static ProducerOptions Parse(params (string Name, string Value)[] settings) =>
        ProducerOptions.FromConfig(settings.Append((Name: "bootstrap.servers", Value: "broker-1:9092")).ToDictionary(s => s.Name, s => s.Value));

    [Fact]
    public void Defaults_are_the_Java_clients()
    {
        var options = new ProducerOptions();
        Assert.Equal(Acks.All, options.Acks);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.Linger);
        Assert.Equal(16384, options.BatchSize);
        Assert.Equal(CompressionType.None, options.CompressionType);
        Assert.Null(options.CompressionLevel);
        Assert.Equal(5, options.MaxInFlightRequestsPerConnection);
        Assert.Equal(1048576, options.MaxRequestSize);
        Assert.Equal(33554432L, options.BufferMemory);
        Assert.Equal(TimeSpan.FromSeconds(60), options.MaxBlock);
        Assert.Equal(TimeSpan.FromSeconds(120), options.DeliveryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Client.RequestTimeout);
        Assert.Equal(int.MaxValue, options.Retries);
        Assert.True(options.IsIdempotent);
        Assert.True(options.DeliveryErrorsAsReports);
        Assert.Equal(Partitioner.Murmur2Random, options.Partitioner);
    }

    [Fact]
    public void Every_config_name_maps_to_its_setting_and_the_client_gets_its_own()
    {
        var options = Parse(
            ("acks", "1"), ("linger.ms", "0"), ("batch.size", "65536"), ("compression.type", "LZ4"), ("compression.level", "3"),
            ("max.in.flight.requests.per.connection", "10"), ("max.request.size", "2097152"), ("buffer.memory", "67108864"),
            ("max.block.ms", "1000"), ("delivery.timeout.ms", "60000"), ("request.timeout.ms", "20000"), ("retries", "3"),
            ("enable.idempotence", "false"), ("rxkafka.delivery.errors.as.reports", "false"), ("client.id", "orders"), ("partitioner", "consistent"));

        Assert.Equal(
            (Acks.Leader, TimeSpan.Zero, 65536, CompressionType.Lz4, (int?)3, 10, 2097152, 67108864L),
            (options.Acks, options.Linger, options.BatchSize, options.CompressionType, options.CompressionLevel, options.MaxInFlightRequestsPerConnection, options.MaxRequestSize, options.BufferMemory));
        Assert.Equal(
            (TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(20), 3, (bool?)false, false),
            (options.MaxBlock, options.DeliveryTimeout, options.Client.RequestTimeout, options.Retries, options.EnableIdempotence, options.DeliveryErrorsAsReports));
        Assert.False(options.IsIdempotent);
        Assert.Equal(Partitioner.Consistent, options.Partitioner);
        Assert.Equal("orders", options.Client.ClientId);
        Assert.Equal("broker-1:9092", options.Client.BootstrapServers.Single().ToString());
    }

    [Theory]
    [InlineData("all", Acks.All)]
    [InlineData("-1", Acks.All)]
    [InlineData("0", Acks.None)]
    [InlineData("1", Acks.Leader)]
    public void Acks_takes_the_Kafka_spellings(string value, Acks expected) => Assert.Equal(expected, Parse(("acks", value), ("enable.idempotence", "false")).Acks);

    [Theory]
    [InlineData("acks", "2", "'2' is not one of all, -1, 0, 1")]
    [InlineData("linger.ms", "-1", "-1 is out of range")]
    [InlineData("compression.type", "brotli", "'brotli' is not one of none, gzip, snappy, lz4, zstd")]
    [InlineData("compression.level", "high", "'high' is not a whole number")]
    [InlineData("max.in.flight.requests.per.connection", "0", "0 is out of range")]
    [InlineData("buffer.memory", "lots", "'lots' is not a positive whole number of bytes")]
    [InlineData("delivery.timeout.ms", "1000", "must be at least linger.ms + request.timeout.ms")]
    [InlineData("transaction.timeout.ms", "-5", "-5")]
    [InlineData("max.request.size", "0", "0 is out of range (1 to 104857600)")]
    [InlineData("max.request.size", "104857601", "104857601 is out of range (1 to 104857600)")]
    [InlineData("partitioner", "sticky", "'sticky' is not one of murmur2_random, murmur2, consistent_random, consistent, fnv1a_random, fnv1a, random")]
    public void A_bad_value_names_the_setting(string name, string value, string message)
    {
        var error = Assert.Throws<KafkaConfigException>(() => Parse((name, value)));
        Assert.Equal(name, error.ConfigName);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_transactional_id_makes_the_producer_transactional_and_idempotent_with_its_timeout()
    {
        var options = Parse(("transactional.id", "tx-1"), ("transaction.timeout.ms", "30000"));
        Assert.Equal("tx-1", options.TransactionalId);
        Assert.True(options.IsTransactional);
        Assert.True(options.IsIdempotent);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TransactionTimeout);
        Assert.Null(Parse(("transactional.id", "")).TransactionalId);
    }

    [Theory]
    [InlineData("acks", "1")]
    [InlineData("max.in.flight.requests.per.connection", "6")]
    [InlineData("retries", "0")]
    [InlineData("enable.idempotence", "false")]
    public void A_transactional_id_conflicts_with_settings_that_rule_idempotence_out(string name, string value)
    {
        var error = Assert.Throws<KafkaConfigException>(() => Parse(("transactional.id", "tx-1"), (name, value)));
        Assert.Equal(name, error.ConfigName);
        Assert.Contains("tx-1", error.Message);
    }

    [Theory]
    [InlineData("acks", "1")]
    [InlineData("max.in.flight.requests.per.connection", "6")]
    [InlineData("retries", "0")]
    public void Idempotence_asked_for_conflicts_with_settings_that_rule_it_out(string name, string value)
    {
        var error = Assert.Throws<KafkaConfigException>(() => Parse(("enable.idempotence", "true"), (name, value)));
        Assert.Equal(name, error.ConfigName);
        Assert.Contains("idempotence", error.Message);
    }

    [Theory]
    [InlineData("acks", "1")]
    [InlineData("max.in.flight.requests.per.connection", "6")]
    [InlineData("retries", "0")]
    public void Idempotence_left_unset_turns_itself_off_when_settings_rule_it_out(string name, string value)
    {
        Assert.False(Parse((name, value)).IsIdempotent);
    }

    [Fact]
    public void Buffer_memory_must_hold_the_largest_request()
    {
        var error = Assert.Throws<KafkaConfigException>(() => Parse(("buffer.memory", "1000"), ("max.request.size", "2000")));
        Assert.Equal("buffer.memory", error.ConfigName);
    }

    [Theory]
    [InlineData("murmur2_random", Partitioner.Murmur2Random)]
    [InlineData("murmur2", Partitioner.Murmur2)]
    [InlineData("Consistent_Random", Partitioner.ConsistentRandom)]
    [InlineData("CONSISTENT", Partitioner.Consistent)]
    [InlineData(" fnv1a_random ", Partitioner.Fnv1aRandom)]
    [InlineData("FNV1A", Partitioner.Fnv1a)]
    [InlineData("random", Partitioner.Random)]
    public void Partitioner_takes_librdkafkas_names_in_any_case(string value, Partitioner expected)
    {
        Assert.Equal(expected, Parse(("partitioner", value)).Partitioner);
        Assert.Equal(value.Trim().ToLowerInvariant(), expected.ToConfigValue());
    }

    [Fact]
    public void A_partitioner_that_is_no_enum_value_names_the_setting()
    {
        var error = Assert.Throws<KafkaConfigException>(() => new ProducerOptions { Partitioner = (Partitioner)42 }.Validate());
        Assert.Equal("partitioner", error.ConfigName);
    }

    [Fact]
    public void An_IPartitioner_and_a_partitioner_setting_together_are_an_error_naming_the_setting()
    {
        var options = Parse(("partitioner", "fnv1a"));

        var error = Assert.Throws<KafkaConfigException>(() =>
            new KafkaProducer<string?, string?>(options, Serializers.Utf8, Serializers.Utf8, new RoundRobinPartitioner()));

        Assert.Equal("partitioner", error.ConfigName);
        Assert.Contains("RoundRobinPartitioner", error.Message);
        Assert.Contains("fnv1a", error.Message);
    }
}
