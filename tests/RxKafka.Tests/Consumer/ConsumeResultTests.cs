using RxKafka.Consumer;
using RxKafka.Consumer.Engine;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;

namespace RxKafka.Tests.Consumer;

// The result the record faces allocate per record keeps its partition in its assignment: these pin that a result
// made by the consumer and one made by hand both say where they came from, and the timestamp conversion.
public sealed class ConsumeResultTests
{
    private static readonly TopicPartition Partition = new("orders", 3);

    [Fact]
    public void A_delivered_result_names_its_partition_through_its_assignment()
    {
        var owner = new PartitionState(Partition);
        var result = new ConsumeResult<string, string>(owner, 42, "k", "v", null, 1_700_000_000_123, TimestampType.CreateTime, 7);

        Assert.Equal(Partition, result.TopicPartition);
        Assert.Equal("orders", result.Topic);
        Assert.Equal(3, result.Partition);
        Assert.Same(owner, result.Owner);
        Assert.Equal(new TopicPartitionOffset(Partition, 42), result.TopicPartitionOffset);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), result.Timestamp);
        Assert.Equal(TimeSpan.Zero, result.Timestamp.Offset);
        Assert.Equal(TimestampType.CreateTime, result.TimestampType);
        Assert.Equal(7, result.LeaderEpoch);
        Assert.Empty(result.Headers);
        Assert.False(result.IsPartitionEof);
    }

    [Fact]
    public void No_timestamp_and_no_epoch_read_as_the_broker_gave_them()
    {
        var result = new ConsumeResult<string, string>(new PartitionState(Partition), 0, "k", "v", null, -1, TimestampType.NotAvailable, -1);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(-1), result.Timestamp);
        Assert.Null(result.LeaderEpoch);
    }

    [Fact]
    public void A_timestamp_outside_what_DateTimeOffset_holds_throws_as_FromUnixTimeMilliseconds_does()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ConsumeResult<string, string>(new PartitionState(Partition), 0, "k", "v", null, long.MaxValue, TimestampType.CreateTime, -1));
        var latest = new ConsumeResult<string, string>(new PartitionState(Partition), 0, "k", "v", null, 253_402_300_799_999, TimestampType.CreateTime, -1);
        Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(), latest.Timestamp.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void A_result_made_by_hand_keeps_its_partition_and_has_no_assignment()
    {
        var result = new ConsumeResult<string, string> { TopicPartition = Partition, Offset = 5, Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) };

        Assert.Equal(Partition, result.TopicPartition);
        Assert.Null(result.Owner);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 1, 4, 5, TimeSpan.Zero), result.Timestamp);
        Assert.Equal($"{Partition}@5", result.ToString());
    }
}
