using System.Collections.Concurrent;
using CK = Confluent.Kafka;

namespace RxKafka.IntegrationTests.Transactions;

/// <summary>
/// Confluent.Kafka (librdkafka 2.15.1) as the other side of the transaction interop tests: a producer, transactional
/// or not, and a reader of whole partitions with an isolation level.
/// </summary>
internal static class ConfluentTransactions
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A producer of string keys and values; with <paramref name="transactionalId"/>, transactional. librdkafka's log goes to <paramref name="log"/>.</summary>
    public static CK.IProducer<string, string> Producer(string bootstrap, ConcurrentQueue<string> log, string? transactionalId)
    {
        var config = new CK.ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, TransactionalId = transactionalId, TransactionTimeoutMs = 60_000, MessageTimeoutMs = 60_000 };
        return new CK.ProducerBuilder<string, string>(config)
            .SetLogHandler((_, m) => log.Enqueue($"{m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => log.Enqueue($"error {e.Code}: {e.Reason}"))
            .Build();
    }

    /// <summary>
    /// Confluent.Kafka's transactional producer (id <paramref name="transactionalId"/>) writes six rounds of nine
    /// records over <paramref name="partitions"/> partitions, rounds 1 and 4 aborted, the rest committed, with a plain
    /// producer's records landing between each round's on every partition; returns what read_committed and
    /// read_uncommitted readers must see.
    /// </summary>
    public static async Task<(List<string> Committed, List<string> All)> WriteInterleavedAsync(string bootstrap, string topic, int partitions, string transactionalId, ConcurrentQueue<string> log, CancellationToken cancellationToken)
    {
        var committed = new List<string>();
        var all = new List<string>();
        using var transactional = Producer(bootstrap, log, transactionalId);
        using var plain = Producer(bootstrap, log, transactionalId: null);
        transactional.InitTransactions(Deadline);
        for (var round = 0; round < 6; round++)
        {
            var commit = round % 3 != 1;
            transactional.BeginTransaction();
            var values = Enumerable.Range(0, 9).Select(i => $"{(commit ? "c" : "a")}{round}-{i}").ToList();
            var deliveries = values.Select((v, i) => transactional.ProduceAsync(new CK.TopicPartition(topic, i % partitions), new CK.Message<string, string> { Key = $"k{i}", Value = v }, cancellationToken)).ToList();

            // Plain records land between the transaction's records on the same partitions.
            var between = Enumerable.Range(0, partitions).Select(p => $"p{round}-{p}").ToList();
            await Task.WhenAll(between.Select((v, p) => plain.ProduceAsync(new CK.TopicPartition(topic, p), new CK.Message<string, string> { Key = "plain", Value = v }, cancellationToken))).WaitAsync(Deadline, cancellationToken);
            await Task.WhenAll(deliveries).WaitAsync(Deadline, cancellationToken); // written before the end, so aborts have records to hide
            if (commit)
            {
                transactional.CommitTransaction(Deadline);
                committed.AddRange(values);
            }
            else
            {
                transactional.AbortTransaction(Deadline);
            }

            committed.AddRange(between);
            all.AddRange(values.Concat(between));
        }

        return (committed, all);
    }

    /// <summary>
    /// Every value a consumer with <paramref name="isolation"/> reads from the beginning of partitions 0 to
    /// <paramref name="partitions"/> - 1 of <paramref name="topic"/> up to their end (the last stable offset under
    /// read_committed), with no group: an assignment.
    /// </summary>
    public static List<string> ConsumeAll(string bootstrap, string topic, CK.IsolationLevel isolation, int partitions)
    {
        var config = new CK.ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "unused",
            EnableAutoCommit = false,
            IsolationLevel = isolation,
            EnablePartitionEof = true,
        };
        using var consumer = new CK.ConsumerBuilder<string, string>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new CK.TopicPartitionOffset(topic, p, CK.Offset.Beginning)));
        var values = new List<string>();
        var atEnd = new HashSet<int>();
        var until = DateTime.UtcNow + Deadline;
        while (atEnd.Count < partitions)
        {
            Assert.True(DateTime.UtcNow < until, $"{isolation} consumer did not reach the end of every partition; read {values.Count}");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }

            values.Add(result.Message.Value);
        }

        consumer.Close();
        return values;
    }
}
