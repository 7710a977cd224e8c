using RxKafka.Producer;
using RxKafka.Producer.Partitioning;
using static RxKafka.Tests.Producer.Partitioning.Topics;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>The producer partitions every record: once a topic has been seen, no partitioner allocates per call.</summary>
public sealed class PartitionerAllocationTests
{
    private static readonly byte[] Key = "customer-000042"u8.ToArray();

    public static TheoryData<string> Partitioners() =>
        new("default", "uniform-sticky", "round-robin", "murmur2", "consistent", "consistent_random", "fnv1a", "fnv1a_random", "random");

    [Theory]
    [MemberData(nameof(Partitioners))]
    public void Keyed_records_allocate_nothing(string name) =>
        AssertNoAllocation(Create(name), keyIsNull: false);

    [Theory]
    [MemberData(nameof(Partitioners))]
    public void Unkeyed_records_and_sticky_moves_allocate_nothing(string name) =>
        AssertNoAllocation(Create(name), keyIsNull: true);

    [Fact]
    public void Hashing_allocates_nothing() =>
        AssertSteadyStateAllocatesNothing(() =>
        {
            var sum = 0;
            for (var i = 0; i < 20_000; i++)
            {
                var key = Key.AsSpan(0, 1 + (i % Key.Length));
                sum += Murmur2.Partition(key, 12) + ConsistentHash.Partition(key, 12) + Fnv1a.Partition(key, 12);
            }

            return sum;
        });

    private static IPartitioner Create(string name) => name switch
    {
        "default" => new DefaultPartitioner(new Random(1)),
        "uniform-sticky" => new UniformStickyPartitioner(new Random(1)),
        "round-robin" => new RoundRobinPartitioner(),
        _ => global::RxKafka.Producer.Partitioners.Create(global::RxKafka.Producer.Partitioners.Parse(name), new Random(1)),
    };

    private static void AssertNoAllocation(IPartitioner partitioner, bool keyIsNull) =>
        AssertSteadyStateAllocatesNothing(() => Run(partitioner, keyIsNull ? default : Key.AsSpan(), keyIsNull, 20_000));

    // Tiered compilation can instrument and re-compile a hot method while a round runs, which costs a few bytes
    // once. A per-record allocation shows in every round, so one round of 20,000 records without a byte is proof.
    private static void AssertSteadyStateAllocatesNothing(Func<int> round)
    {
        var allocated = new List<long>();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var sum = round();
            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(sum >= 0);
            if (attempt > 0 && allocated[^1] == 0)
            {
                return;
            }
        }

        Assert.Fail($"every round of 20,000 calls allocated: {string.Join(", ", allocated)} bytes");
    }

    // Every 100th record completes a batch, so the sticky partition moves too.
    private static int Run(IPartitioner partitioner, ReadOnlySpan<byte> key, bool keyIsNull, int records)
    {
        var sum = 0;
        for (var i = 0; i < records; i++)
        {
            var partition = partitioner.Partition(Orders, key, keyIsNull, valueLength: 100);
            if (i % 100 == 99)
            {
                partitioner.OnNewBatch(Orders, partition);
            }

            sum += partition;
        }

        return sum;
    }
}
