using RxKafka.Producer;
using RxKafka.Producer.Partitioning;
using static RxKafka.Tests.Producer.Partitioning.DefaultPartitionerTests;
using static RxKafka.Tests.Producer.Partitioning.Topics;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>One record per available partition in turn, per topic, keys ignored, as the Java client's RoundRobinPartitioner.</summary>
public sealed class RoundRobinPartitionerTests
{
    [Fact]
    public void Records_cycle_over_the_available_partitions_in_order_whatever_their_keys()
    {
        var partitioner = new RoundRobinPartitioner();
        var keys = Murmur2Table.Rows.Select(r => r.Key).ToArray();
        var chosen = Enumerable.Range(0, 12).Select(i => i % 3 == 0
            ? Unkeyed(partitioner, Orders)
            : partitioner.Partition(Orders, keys[i], keyIsNull: false, valueLength: 1)).ToArray();

        Assert.Equal([0, 2, 4, 5, 0, 2, 4, 5, 0, 2, 4, 5], chosen);
    }

    [Fact]
    public void A_completed_batch_does_not_skip_a_turn()
    {
        var partitioner = new RoundRobinPartitioner();
        var chosen = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            var partition = Unkeyed(partitioner, Orders);
            chosen.Add(partition);
            partitioner.OnNewBatch(Orders, partition);
        }

        Assert.Equal([0, 2, 4, 5, 0, 2, 4, 5], chosen);
    }

    [Fact]
    public void Each_topic_has_its_own_turn()
    {
        var partitioner = new RoundRobinPartitioner();
        var other = Led("payments", 3);
        Assert.Equal(0, Unkeyed(partitioner, Orders));
        Assert.Equal(2, Unkeyed(partitioner, Orders));
        Assert.Equal(0, Unkeyed(partitioner, other));
        Assert.Equal(4, Unkeyed(partitioner, Orders));
        Assert.Equal(1, Unkeyed(partitioner, other));
    }

    [Fact]
    public void The_cycle_follows_the_metadata_as_leaders_come_and_go()
    {
        var partitioner = new RoundRobinPartitioner();
        Assert.Equal([0, 2, 4], Enumerable.Range(0, 3).Select(_ => Unkeyed(partitioner, Orders)));

        // Turn 3 over the new available set {1, 3}: partition 3.
        var changed = Topic("orders", NoLeader, 1, NoLeader, 2, NoLeader, NoLeader);
        Assert.Equal([3, 1, 3], Enumerable.Range(0, 3).Select(_ => Unkeyed(partitioner, changed)));
    }

    [Fact]
    public void With_no_available_partition_records_cycle_over_all()
    {
        var partitioner = new RoundRobinPartitioner();
        var dark = Topic("dark", NoLeader, NoLeader, NoLeader);
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(_ => Unkeyed(partitioner, dark)));
    }
}
