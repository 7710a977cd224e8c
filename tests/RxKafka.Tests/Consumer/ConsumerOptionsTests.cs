using RxKafka.Consumer;

namespace RxKafka.Tests.Consumer;

/// <summary>ConsumerOptions from Kafka's config names (and librdkafka's aliases), and the checks made when a consumer is created.</summary>
public sealed class ConsumerOptionsTests
{
    private static ConsumerOptions Parse(params (string Name, string Value)[] settings) =>
        ConsumerOptions.FromConfig(settings.Append((Name: "bootstrap.servers", Value: "broker-1:9092")).ToDictionary(s => s.Name, s => s.Value));

    [Fact]
    public void Defaults_are_the_Java_clients()
    {
        var options = new ConsumerOptions();
        Assert.Equal((1, 52_428_800, 1_048_576, TimeSpan.FromMilliseconds(500)), (options.FetchMinBytes, options.FetchMaxBytes, options.MaxPartitionFetchBytes, options.FetchMaxWait));
        Assert.Equal((AutoOffsetReset.Latest, IsolationLevel.ReadUncommitted, true, TimeSpan.FromSeconds(5)), (options.AutoOffsetReset, options.IsolationLevel, options.EnableAutoCommit, options.AutoCommitInterval));
        Assert.Equal((TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(5)), (options.SessionTimeout, options.HeartbeatInterval, options.MaxPollInterval));
        Assert.Equal(("range,cooperative-sticky", GroupProtocol.Classic, (string?)null), (options.PartitionAssignmentStrategy, options.GroupProtocol, options.GroupRemoteAssignor));
        Assert.Null(options.GroupId);
    }

    [Fact]
    public void Every_config_name_maps_to_its_setting_and_the_client_gets_its_own()
    {
        var options = Parse(
            ("group.id", "billing"), ("fetch.min.bytes", "10"), ("fetch.max.bytes", "1000000"), ("max.partition.fetch.bytes", "65536"),
            ("fetch.max.wait.ms", "100"), ("auto.offset.reset", "earliest"), ("isolation.level", "read_committed"), ("check.crcs", "false"),
            ("enable.partition.eof", "true"), ("queued.max.messages.kbytes", "1024"), ("enable.auto.commit", "false"),
            ("auto.commit.interval.ms", "1000"), ("client.rack", "eu-1a"), ("group.instance.id", "node-1"), ("session.timeout.ms", "30000"),
            ("heartbeat.interval.ms", "1000"), ("max.poll.interval.ms", "60000"), ("partition.assignment.strategy", "roundrobin"),
            ("group.protocol", "consumer"), ("group.remote.assignor", "range"), ("enable.auto.offset.store", "false"),
            ("rxkafka.max.pending.acknowledgements", "500"), ("client.id", "reader"));

        Assert.Equal(("billing", 10, 1_000_000, 65_536, TimeSpan.FromMilliseconds(100)), (options.GroupId, options.FetchMinBytes, options.FetchMaxBytes, options.MaxPartitionFetchBytes, options.FetchMaxWait));
        Assert.Equal((AutoOffsetReset.Earliest, IsolationLevel.ReadCommitted, false, true, 1024L * 1024), (options.AutoOffsetReset, options.IsolationLevel, options.CheckCrcs, options.EnablePartitionEof, options.PrefetchMaxBytes));
        Assert.Equal((false, TimeSpan.FromSeconds(1), "eu-1a", (string?)"node-1"), (options.EnableAutoCommit, options.AutoCommitInterval, options.ClientRack, options.GroupInstanceId));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "roundrobin"), (options.SessionTimeout, options.HeartbeatInterval, options.MaxPollInterval, options.PartitionAssignmentStrategy));
        Assert.Equal((GroupProtocol.Consumer, (string?)"range", false, 500), (options.GroupProtocol, options.GroupRemoteAssignor, options.EnableAutoOffsetStore, options.MaxPendingAcknowledgements));
        Assert.Equal("reader", options.Client.ClientId);
    }

    [Theory]
    [InlineData("smallest", AutoOffsetReset.Earliest)]
    [InlineData("beginning", AutoOffsetReset.Earliest)]
    [InlineData("largest", AutoOffsetReset.Latest)]
    [InlineData("end", AutoOffsetReset.Latest)]
    [InlineData("error", AutoOffsetReset.None)]
    [InlineData(" NONE ", AutoOffsetReset.None)]
    public void Librdkafkas_auto_offset_reset_names_are_read_too(string value, AutoOffsetReset expected) =>
        Assert.Equal(expected, Parse(("auto.offset.reset", value)).AutoOffsetReset);

    [Fact]
    public void Librdkafkas_fetch_wait_max_ms_is_read_but_not_together_with_the_java_name()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), Parse(("fetch.wait.max.ms", "250")).FetchMaxWait);
        var both = Assert.Throws<KafkaConfigException>(() => Parse(("fetch.wait.max.ms", "250"), ("fetch.max.wait.ms", "100")));
        Assert.Contains("fetch.max.wait.ms", both.Message);
    }

    [Theory]
    [InlineData("auto.offset.reset", "oldest", "'oldest' is not one of earliest, latest, none")]
    [InlineData("isolation.level", "committed", "'committed' is not one of read_uncommitted, read_committed")]
    [InlineData("group.protocol", "kip848", "'kip848' is not one of classic, consumer")]
    [InlineData("group.remote.assignor", " ", "must not be empty")]
    [InlineData("fetch.max.bytes", "0", "fetch.max.bytes")]
    [InlineData("heartbeat.interval.ms", "60000", "below session.timeout.ms")]
    [InlineData("partition.assignment.strategy", "fastest", "fastest")]
    public void A_bad_value_is_a_config_error_naming_the_setting_and_what_is_wrong(string name, string value, string said)
    {
        var error = Assert.Throws<KafkaConfigException>(() => Parse((name, value)));
        Assert.Contains(said, error.Message);
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void A_misspelt_name_is_refused_with_the_nearest_known_one()
    {
        var error = Assert.Throws<KafkaConfigException>(() => Parse(("group.protocoll", "consumer")));
        Assert.Contains("group.protocol", error.Message);
    }
}
