using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// R1 with real threads: the observable and per-partition faces over the in-memory cluster on the thread pool,
/// with small fetches so chunks keep arriving (on the sinks' threads) while a pass delivers. Every record must
/// arrive once, each partition in order, and no observer may be called by two threads at once. Virtual-time tests
/// are single-threaded and cannot see it: before delivery passes were made serial, a chunk arriving during a pass
/// started a second pass beside it, and a pass that ran before its Schedule call returned cancelled the next one.
/// </summary>
public sealed class ConsumerFacesRealThreadTests
{
    private const string Topic = "rt";
    private const int Partitions = 3;
    private const int Batches = 40;
    private const int PerBatch = 250;
    private const int PerPartition = Batches * PerBatch;
    private const int Runs = 3;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task R1_the_observable_face_delivers_every_record_once_in_order_from_one_thread_at_a_time()
    {
        for (var run = 1; run <= Runs; run++)
        {
            var cluster = await FilledClusterAsync();
            await using var consumer = NewConsumer(cluster);
            var checker = new DeliveryChecker(Partitions * PerPartition);
            using var subscription = consumer.Consume().Subscribe(checker.OnNext, checker.OnError);

            await checker.WaitAsync(() => $"run {run}:\n{consumer.Describe()}");
            checker.AssertEveryRecordOnceInOrder(Partitions, PerPartition);
        }
    }

    [Fact]
    public async Task R1_per_partition_groups_deliver_every_record_once_in_order_from_one_thread_at_a_time()
    {
        for (var run = 1; run <= Runs; run++)
        {
            var cluster = await FilledClusterAsync();
            await using var consumer = NewConsumer(cluster);
            var checkers = new ConcurrentDictionary<TopicPartition, DeliveryChecker>();
            var all = new DeliveryChecker(Partitions * PerPartition);
            using var subscription = consumer.ConsumePartitions().Subscribe(group =>
            {
                var checker = checkers.GetOrAdd(group.Key, _ => new DeliveryChecker(PerPartition));
                group.Subscribe(
                    r =>
                    {
                        checker.OnNext(r);
                        all.Count();
                    },
                    all.OnError);
            });

            await all.WaitAsync(() => $"run {run}:\n{consumer.Describe()}");
            Assert.Equal(Partitions, checkers.Count);
            foreach (var checker in checkers.Values)
            {
                checker.AssertEveryRecordOnceInOrder(1, PerPartition);
            }
        }
    }

    private static KafkaConsumer<Ignore, string?> NewConsumer(ScriptedCluster cluster)
    {
        var consumer = new KafkaConsumer<Ignore, string?>(
            new ConsumerOptions
            {
                Client = new KafkaClientOptions
                {
                    BootstrapServers = BootstrapServers.Parse(cluster.BootstrapServers),
                    TransportFactory = cluster,
                    Scheduler = DefaultScheduler.Instance,
                    RetryBackoff = TimeSpan.FromMilliseconds(5),
                },
                AutoOffsetReset = AutoOffsetReset.Earliest,
                FetchMaxWait = TimeSpan.FromMilliseconds(20),
                // A batch or two per fetch and a small prefetch: many chunks, fetching stopping and resuming.
                MaxPartitionFetchBytes = 4 * 1024,
                FetchMaxBytes = 8 * 1024,
                PrefetchMaxBytes = 16 * 1024,
            },
            Deserializers.Ignore,
            Deserializers.Utf8);
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(new TopicPartition(Topic, p), 0)).ToList());
        return consumer;
    }

    // Each partition gets Batches batches of PerBatch records "p{partition}-{i}", written straight to its leader.
    private static async Task<ScriptedCluster> FilledClusterAsync()
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance, brokers: 3);
        cluster.CreateTopic(Topic, Partitions, replicationFactor: 3);
        for (var partition = 0; partition < Partitions; partition++)
        {
            var leader = cluster.Partitions(Topic)[partition].LeaderId;
            await using var connection = await RxKafka.Network.KafkaConnection.ConnectAsync(cluster.Endpoint(leader), cluster, new RxKafka.Network.ConnectionOptions { Scheduler = DefaultScheduler.Instance }).WaitAsync(Budget);
            for (var batch = 0; batch < Batches; batch++)
            {
                using var builder = new RecordBatchBuilder();
                for (var i = 0; i < PerBatch; i++)
                {
                    builder.Append(0, null, System.Text.Encoding.UTF8.GetBytes($"p{partition}-{(batch * PerBatch) + i}"));
                }

                var request = new ProduceRequest { Acks = -1, TimeoutMs = 1000, TopicData = [new() { Name = Topic, PartitionData = [new() { Index = partition, Records = builder.Build(CompressionType.None).ToArray() }] }] };
                var answer = await connection.SendAsync(request).WaitAsync(Budget);
                Assert.Equal(0, answer.Responses[0].PartitionResponses[0].ErrorCode);
            }
        }

        return cluster;
    }

    /// <summary>Records what an observer is handed, and whether two threads were ever inside it at once.</summary>
    private sealed class DeliveryChecker(int expected)
    {
        private readonly ConcurrentQueue<(TopicPartition Partition, long Offset, string? Value)> _seen = new();
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inside;
        private int _overlaps;
        private int _count;

        public void OnNext(ConsumeResult<Ignore, string?> result)
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                Interlocked.Increment(ref _overlaps);
            }

            _seen.Enqueue((result.TopicPartition, result.Offset, result.Value));

            // A little work per record, so a delivering pass is still inside when the next chunk arrives.
            Thread.SpinWait(20);
            Interlocked.Decrement(ref _inside);
            Count();
        }

        public void Count()
        {
            if (Interlocked.Increment(ref _count) == expected)
            {
                _done.TrySetResult();
            }
        }

        public void OnError(Exception error) => _done.TrySetException(error);

        /// <summary>Completes when every expected record arrived; fails with the face's error, or after the budget saying how many came.</summary>
        public async Task WaitAsync(Func<string> context)
        {
            try
            {
                await _done.Task.WaitAsync(Budget);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{Volatile.Read(ref _count)} of {expected} records arrived in {Budget.TotalSeconds} s; {context()}");
            }
        }

        public void AssertEveryRecordOnceInOrder(int partitions, int perPartition)
        {
            Assert.Equal(0, Volatile.Read(ref _overlaps));
            var byPartition = _seen.GroupBy(s => s.Partition).ToList();
            Assert.Equal(partitions, byPartition.Count);
            foreach (var partition in byPartition)
            {
                Assert.Equal(Enumerable.Range(0, perPartition).Select(i => (long)i), partition.Select(s => s.Offset));
                Assert.All(partition, s => Assert.Equal($"p{partition.Key.Partition}-{s.Offset}", s.Value));
            }
        }
    }
}
