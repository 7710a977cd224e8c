using RxKafka.Producer;
using RxKafka.Producer.Partitioning;
using static RxKafka.Tests.Producer.Partitioning.DefaultPartitionerTests;
using static RxKafka.Tests.Producer.Partitioning.Topics;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>Several producing threads partitioning at once: only valid partitions, no lost turns, one sticky partition.</summary>
public sealed class PartitionerConcurrencyTests
{
    private const int Threads = 4;

    [Fact]
    public void Round_robin_turns_are_not_lost_under_contention()
    {
        const int perThread = 30_000;
        var partitioner = new RoundRobinPartitioner();
        var counts = new int[Orders.Partitions.Length];

        RunTogether(_ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                Interlocked.Increment(ref counts[Unkeyed(partitioner, Orders)]);
            }
        });

        // Every turn counted once: exactly even over the four available partitions.
        Assert.Equal([perThread, 0, perThread, 0, perThread, perThread], counts);
    }

    [Fact]
    public void Default_partitioner_threads_get_only_available_partitions_for_null_keys_and_the_table_for_keys()
    {
        var partitioner = new DefaultPartitioner(new Random(99));
        var available = Available(Orders);
        var rows = Murmur2Table.Rows;
        var wrong = 0;

        RunTogether(thread =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var unkeyed = Unkeyed(partitioner, Orders);
                if (Array.IndexOf(available, unkeyed) < 0)
                {
                    Interlocked.Increment(ref wrong);
                }

                // Each thread completes batches at its own pace, as batches of several threads' records would.
                if ((i + thread) % 50 == 0)
                {
                    partitioner.OnNewBatch(Orders, unkeyed);
                }

                var row = rows[(i + thread) % rows.Count];
                if (partitioner.Partition(Orders, row.Key, keyIsNull: false, valueLength: 1) != row.Partitions.Single(p => p.Count == 6).Partition)
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Threads_completing_the_same_batch_agree_on_one_new_sticky_partition()
    {
        var partitioner = new UniformStickyPartitioner(new Random(5));
        var topic = Led("wide", 30);
        for (var round = 0; round < 100; round++)
        {
            var before = Unkeyed(partitioner, topic);
            var after = new int[Threads];
            RunTogether(thread =>
            {
                partitioner.OnNewBatch(topic, before);
                after[thread] = Unkeyed(partitioner, topic);
            });

            Assert.Single(after.Distinct());
            Assert.NotEqual(before, after[0]);
        }
    }

    private static void RunTogether(Action<int> work)
    {
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            work(i);
        })).ToArray();

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
