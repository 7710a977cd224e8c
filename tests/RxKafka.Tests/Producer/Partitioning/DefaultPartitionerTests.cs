using RxKafka.Cluster;
using RxKafka.Producer;
using RxKafka.Producer.Partitioning;
using static RxKafka.Tests.Producer.Partitioning.Topics;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>
/// The Java client's default partitioning: keyed records by murmur2 over all partitions, unkeyed records
/// sticky (KIP-480) over the partitions that have a leader, moving when a batch completes.
/// </summary>
public sealed class DefaultPartitionerTests
{
    [Fact]
    public void A_keyed_record_goes_to_the_partition_of_the_table_for_every_key_and_count()
    {
        var partitioner = new DefaultPartitioner(new Random(1));
        foreach (var row in Murmur2Table.Rows)
        {
            foreach (var (count, expected) in row.Partitions)
            {
                Assert.True(expected == partitioner.Partition(Led("t" + count, count), row.Key, keyIsNull: false, valueLength: 10), $"{row.Label} over {count}");
            }
        }
    }

    [Fact]
    public void A_keyed_record_ignores_leaders_as_the_Java_client_does()
    {
        var partitioner = new DefaultPartitioner(new Random(1));
        var leaderless = Topic("orders", NoLeader, NoLeader, NoLeader, NoLeader, NoLeader, NoLeader);
        foreach (var row in Murmur2Table.Rows)
        {
            var expected = row.Partitions.Single(p => p.Count == 6).Partition;
            Assert.Equal(expected, partitioner.Partition(Orders, row.Key, keyIsNull: false, valueLength: 10));
            Assert.Equal(expected, partitioner.Partition(leaderless, row.Key, keyIsNull: false, valueLength: 10));
        }
    }

    [Fact]
    public void An_empty_key_is_hashed_not_sticky()
    {
        var partitioner = new DefaultPartitioner(new Random(1));
        var empty = Murmur2Table.Rows.Single(r => r.Label == "empty").Partitions.Single(p => p.Count == 100).Partition;
        var topic = Led("wide", 100);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(empty, partitioner.Partition(topic, [], keyIsNull: false, valueLength: 1));
            partitioner.OnNewBatch(topic, empty);
        }
    }

    [Fact]
    public void A_null_key_sticks_to_one_available_partition_until_its_batch_completes_then_moves_to_another()
    {
        var partitioner = new DefaultPartitioner(new Random(42));
        var available = Available(Orders);
        var visited = new HashSet<int>();

        var sticky = Unkeyed(partitioner, Orders);
        for (var batch = 0; batch < 200; batch++)
        {
            Assert.Contains(sticky, available);
            visited.Add(sticky);
            for (var record = 0; record < 25; record++)
            {
                Assert.Equal(sticky, Unkeyed(partitioner, Orders));
            }

            partitioner.OnNewBatch(Orders, sticky);
            var next = Unkeyed(partitioner, Orders);
            Assert.NotEqual(sticky, next);
            sticky = next;
        }

        // Random among the available ones: over 200 moves every one is used, no leaderless one ever.
        Assert.Equal(available, visited.Order());
    }

    [Fact]
    public void A_completed_batch_of_another_partition_does_not_move_the_sticky_partition()
    {
        var partitioner = new DefaultPartitioner(new Random(7));
        var sticky = Unkeyed(partitioner, Orders);
        foreach (var other in Enumerable.Range(0, 6).Where(p => p != sticky))
        {
            partitioner.OnNewBatch(Orders, other);
            Assert.Equal(sticky, Unkeyed(partitioner, Orders));
        }
    }

    [Fact]
    public void A_completed_batch_before_any_unkeyed_record_picks_an_available_partition_other_than_it()
    {
        var partitioner = new DefaultPartitioner(new Random(3));
        partitioner.OnNewBatch(Orders, 0);
        var sticky = Unkeyed(partitioner, Orders);
        Assert.Contains(sticky, Available(Orders));
        Assert.NotEqual(0, sticky);
    }

    [Fact]
    public void With_one_available_partition_the_sticky_partition_stays_on_it()
    {
        var partitioner = new DefaultPartitioner(new Random(5));
        var topic = Topic("lonely", NoLeader, NoLeader, 2, NoLeader);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(2, Unkeyed(partitioner, topic));
            partitioner.OnNewBatch(topic, 2);
        }
    }

    [Fact]
    public void With_no_available_partition_any_partition_is_used_and_still_sticks()
    {
        var partitioner = new DefaultPartitioner(new Random(11));
        var topic = Topic("dark", NoLeader, NoLeader, NoLeader);
        var visited = new HashSet<int>();
        var sticky = Unkeyed(partitioner, topic);
        for (var batch = 0; batch < 30; batch++)
        {
            visited.Add(sticky);
            Assert.Equal(sticky, Unkeyed(partitioner, topic));
            partitioner.OnNewBatch(topic, sticky);
            var next = Unkeyed(partitioner, topic);
            Assert.NotEqual(sticky, next);
            sticky = next;
        }

        Assert.Equal([0, 1, 2], visited.Order());
    }

    [Fact]
    public void When_the_sticky_partition_loses_its_leader_the_next_unkeyed_record_moves_to_one_with_a_leader()
    {
        var partitioner = new DefaultPartitioner(new Random(9));
        var sticky = Unkeyed(partitioner, Orders);

        var leaders = new[] { 1, NoLeader, 2, NoLeader, 3, 1 };
        leaders[sticky] = NoLeader;
        var moved = Topic("orders", leaders);
        var next = Unkeyed(partitioner, moved);

        Assert.Contains(next, Available(moved));
        Assert.Equal(next, Unkeyed(partitioner, moved));

        // Its leader back, the old partition is not chosen again until the new one's batch completes.
        Assert.Equal(next, Unkeyed(partitioner, Orders));
    }

    [Fact]
    public void When_partitions_gain_a_leader_the_sticky_partition_does_not_move_until_its_batch_completes()
    {
        var partitioner = new DefaultPartitioner(new Random(13));
        var dark = Topic("orders", NoLeader, NoLeader, NoLeader, NoLeader, NoLeader, NoLeader);
        var sticky = Unkeyed(partitioner, dark);
        var lit = Led("orders", 6);
        Assert.Equal(sticky, Unkeyed(partitioner, lit));
    }

    [Fact]
    public void Each_topic_has_its_own_sticky_partition()
    {
        var partitioner = new DefaultPartitioner(new Random(17));
        var a = Led("a", 12);
        var b = Led("b", 12);
        var stickyA = Unkeyed(partitioner, a);
        var stickyB = Unkeyed(partitioner, b);

        partitioner.OnNewBatch(a, stickyA);
        Assert.NotEqual(stickyA, Unkeyed(partitioner, a));
        Assert.Equal(stickyB, Unkeyed(partitioner, b));
    }

    [Fact]
    public void The_same_seed_makes_the_same_choices()
    {
        var topic = Led("seeded", 50);
        Assert.Equal(Choices(new DefaultPartitioner(new Random(2024)), topic), Choices(new DefaultPartitioner(new Random(2024)), topic));
        Assert.NotEqual(Choices(new DefaultPartitioner(new Random(2024)), topic), Choices(new DefaultPartitioner(new Random(2025)), topic));
    }

    [Fact]
    public void A_topic_without_partitions_is_refused_with_its_name()
    {
        var partitioner = new DefaultPartitioner(new Random(1));
        var empty = Topic("being-created");
        Assert.Contains("'being-created'", Assert.Throws<ArgumentException>(() => Unkeyed(partitioner, empty)).Message);
        Assert.Contains("'being-created'", Assert.Throws<ArgumentException>(() => partitioner.Partition(empty, "k"u8, false, 1)).Message);
    }

    internal static int Unkeyed(IPartitioner partitioner, TopicMetadata topic) =>
        partitioner.Partition(topic, default, keyIsNull: true, valueLength: 100);

    private static int[] Choices(IPartitioner partitioner, TopicMetadata topic) =>
        Enumerable.Range(0, 20).Select(_ =>
        {
            var partition = Unkeyed(partitioner, topic);
            partitioner.OnNewBatch(topic, partition);
            return partition;
        }).ToArray();
}
