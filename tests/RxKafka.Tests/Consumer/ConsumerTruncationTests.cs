// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks.
#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Consumer;
using RxKafka.Protocol.Messages;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// KIP-320 truncation detection (R4): an unclean leader election leaves a log that ends before the consumer's
/// position. With Fetch v12+ the leader names the diverging epoch; with older brokers the consumer asks
/// OffsetForLeaderEpoch after the leader change. Either way it continues where the new log diverged, or fails
/// naming the partition under auto.offset.reset=none.
/// </summary>
public sealed class ConsumerTruncationTests : ConsumerTestBed
{
    [Theory]
    [InlineData(17)]
    [InlineData(11)]
    public void R4_after_an_unclean_election_the_consumer_continues_where_the_new_leaders_log_diverged(short fetchVersion)
    {
        Cluster.SetApiVersion(ApiKey.Fetch, 0, fetchVersion);
        var consumer = Truncated(Options with { AutoOffsetReset = AutoOffsetReset.Earliest });

        var read = Read(consumer, 3);

        // Records 5-9 are gone; the new leader's 5-7 are read once, and nothing from offset 0 again.
        Assert.Equal(["t-0@5:=v100", "t-0@6:=v101", "t-0@7:=v102"], read.Select(Value));
        var validations = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.OffsetForLeaderEpoch).Select(r => (OffsetForLeaderEpochRequest)r.Request.Request).ToList();
        if (fetchVersion >= 12)
        {
            Assert.Empty(validations); // the Fetch's diverging epoch said it
        }
        else
        {
            var asked = Assert.Single(validations).Topics.Single().Partitions.Single();
            Assert.Equal((0, 1), (asked.LeaderEpoch, asked.CurrentLeaderEpoch));
        }
    }

    [Theory]
    [InlineData(17)]
    [InlineData(11)]
    public void R4_with_auto_offset_reset_none_a_truncation_fails_the_partition_naming_where_to_continue(short fetchVersion)
    {
        Cluster.SetApiVersion(ApiKey.Fetch, 0, fetchVersion);
        var consumer = Truncated(Options with { AutoOffsetReset = AutoOffsetReset.None });

        var (read, error) = ReadUntilError(consumer);

        Assert.Empty(read);
        var failure = Assert.IsType<ConsumeException>(error);
        Assert.Equal(new TopicPartitionOffset(T0, 10), failure.Position);
        Assert.Equal(5, failure.NextOffset);
        Assert.Contains("truncated", failure.Message);
    }

    [Fact]
    public void R4_a_clean_leader_change_is_validated_and_reading_goes_on_with_nothing_skipped()
    {
        Cluster.SetApiVersion(ApiKey.Fetch, 0, 11);
        Append(T0, 0, 5);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        Assert.Equal(5, Read(consumer, 5).Count);

        Cluster.SetPartitionLeader("t", 0, 2);
        Append(T0, 5, 5);

        Assert.Equal(Enumerable.Range(5, 5), Read(consumer, 5).Select(r => (int)r.Offset));
        Assert.Single(Cluster.Requests, r => r.Request.ApiKey == ApiKey.OffsetForLeaderEpoch);
    }

    // Ten records at leader epoch 0 read by a consumer; then broker 2 is elected uncleanly with a log ending at
    // offset 5, and three new records land at 5-7 in epoch 1.
    private KafkaConsumer<string?, string?> Truncated(ConsumerOptions options)
    {
        Append(T0, 0, 5);
        Append(T0, 5, 5);
        var consumer = Consumer(options);
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        Assert.Equal(10, Read(consumer, 10).Count);

        Assert.Equal(5, Cluster.ElectLeaderUncleanly("t", 0, leaderId: 2, truncateTo: 7));
        Append(T0, 100, 3);
        return consumer;
    }
}
