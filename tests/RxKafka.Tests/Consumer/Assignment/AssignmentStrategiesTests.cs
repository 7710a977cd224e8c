using RxKafka.Consumer.Assignment;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>The <c>partition.assignment.strategy</c> setting: librdkafka's and Java's names, order, the protocol, bad values.</summary>
public sealed class AssignmentStrategiesTests
{
    [Fact]
    public void R5_librdkafka_names_parse_in_order()
    {
        var strategies = AssignmentStrategies.Parse("range, roundrobin");

        Assert.Equal(["range", "roundrobin"], strategies.Assignors.Select(a => a.Name));
        Assert.Equal(RebalanceProtocol.Eager, strategies.Protocol);
    }

    [Fact]
    public void R5_Java_class_names_parse_to_the_same_assignors()
    {
        var strategies = AssignmentStrategies.Parse(
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor,org.apache.kafka.clients.consumer.StickyAssignor,"
            + "org.apache.kafka.clients.consumer.RoundRobinAssignor,org.apache.kafka.clients.consumer.RangeAssignor");

        Assert.Equal(["cooperative-sticky", "sticky", "roundrobin", "range"], strategies.Assignors.Select(a => a.Name));
        Assert.IsType<CooperativeStickyAssignor>(strategies.Find("cooperative-sticky"));
        Assert.IsType<RangeAssignor>(strategies.Find("range"));
        Assert.Null(strategies.Find("other"));
    }

    [Fact]
    public void R5_cooperative_sticky_alone_runs_the_cooperative_protocol()
    {
        Assert.Equal(RebalanceProtocol.Cooperative, AssignmentStrategies.Parse("cooperative-sticky").Protocol);
        Assert.Equal(RebalanceProtocol.Cooperative, AssignmentStrategies.Parse("COOPERATIVE-STICKY").Protocol);
    }

    [Fact]
    public void R5_mixing_cooperative_sticky_with_an_eager_assignor_runs_eager_as_Java_allows_for_upgrades()
    {
        // KIP-429's rolling upgrade: Java takes the newest protocol all assignors support, here eager.
        var strategies = AssignmentStrategies.Parse("cooperative-sticky,range");

        Assert.Equal(RebalanceProtocol.Eager, strategies.Protocol);
        Assert.Equal(["cooperative-sticky", "range"], strategies.Assignors.Select(a => a.Name));
    }

    [Theory]
    [InlineData("range,bogus", "'bogus' is not a known assignor")]
    [InlineData("org.apache.kafka.clients.consumer.FooAssignor", "'org.apache.kafka.clients.consumer.FooAssignor' is not a known assignor")]
    [InlineData("", "has an empty entry")]
    [InlineData("range,,roundrobin", "has an empty entry")]
    [InlineData("range,org.apache.kafka.clients.consumer.RangeAssignor", "names the range assignor twice")]
    public void A_bad_value_is_a_KafkaConfigException_naming_the_setting_and_the_fault(string value, string fault)
    {
        var e = Assert.Throws<KafkaConfigException>(() => AssignmentStrategies.Parse(value));

        Assert.Equal("partition.assignment.strategy", e.ConfigName);
        Assert.Contains(fault, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_name_lists_every_known_name()
    {
        var e = Assert.Throws<KafkaConfigException>(() => AssignmentStrategies.Parse("bogus"));

        foreach (var name in AssignmentStrategies.KnownNames)
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AssignmentChange_lists_what_is_gained_and_what_is_revoked_in_order()
    {
        var change = AssignmentChange.Between(
            [new("t", 2), new("t", 0), new("u", 1)],
            [new("u", 1), new("t", 3), new("a", 0)]);

        Assert.Equal([new("a", 0), new TopicPartition("t", 3)], change.Assigned);
        Assert.Equal([new("t", 0), new TopicPartition("t", 2)], change.Revoked);
        Assert.True(change.MustRejoin);
        Assert.False(AssignmentChange.Between([new("t", 0)], [new("t", 0), new("t", 1)]).MustRejoin);
    }
}
