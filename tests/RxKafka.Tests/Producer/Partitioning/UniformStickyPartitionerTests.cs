using System.Text;
using RxKafka.Producer;
using RxKafka.Producer.Partitioning;
using static RxKafka.Tests.Producer.Partitioning.DefaultPartitionerTests;
using static RxKafka.Tests.Producer.Partitioning.Topics;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>Sticky partitioning for every record, keys ignored, as the Java client's UniformStickyPartitioner.</summary>
public sealed class UniformStickyPartitionerTests
{
    [Fact]
    public void Keyed_and_unkeyed_records_all_go_to_the_sticky_partition_until_its_batch_completes()
    {
        var partitioner = new UniformStickyPartitioner(new Random(8));
        var visited = new HashSet<int>();
        var sticky = Unkeyed(partitioner, Orders);
        for (var batch = 0; batch < 100; batch++)
        {
            Assert.Contains(sticky, Available(Orders));
            visited.Add(sticky);
            foreach (var row in Murmur2Table.Rows)
            {
                Assert.Equal(sticky, partitioner.Partition(Orders, row.Key, keyIsNull: false, valueLength: 5));
            }

            partitioner.OnNewBatch(Orders, sticky);
            var next = partitioner.Partition(Orders, Encoding.UTF8.GetBytes("any key"), keyIsNull: false, valueLength: 5);
            Assert.NotEqual(sticky, next);
            sticky = next;
        }

        Assert.Equal(Available(Orders), visited.Order());
    }

    [Fact]
    public void With_no_available_partition_any_partition_is_used()
    {
        var partitioner = new UniformStickyPartitioner(new Random(8));
        var dark = Topic("dark", NoLeader, NoLeader);
        var first = Unkeyed(partitioner, dark);
        partitioner.OnNewBatch(dark, first);
        Assert.Equal(1 - first, Unkeyed(partitioner, dark));
    }
}
