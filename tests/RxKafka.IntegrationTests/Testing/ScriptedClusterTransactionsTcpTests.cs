using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Transactions;
using RxKafka.Testing.Network;
using CK = Confluent.Kafka;

namespace RxKafka.IntegrationTests.Testing;

/// <summary>
/// The scripted cluster's transactions over loopback TCP against Confluent.Kafka (librdkafka 2.15.1): its
/// transactional producer commits and aborts through the cluster's coordinator, its consumer reads with
/// read_committed exactly what committed (librdkafka's mock cannot: it lists no aborted transactions), and
/// SendOffsetsToTransaction commits a group's offsets only with the transaction.
/// </summary>
public sealed class ScriptedClusterTransactionsTcpTests
{
    private const string Topic = "txn";
    private const int Partitions = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task T1_T2_Confluent_reads_committed_records_only_with_read_committed_and_all_of_them_with_read_uncommitted()
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic(Topic, partitions: Partitions);
        await using var server = cluster.ServeTcp();
        var log = new ConcurrentQueue<string>();
        var (committed, all) = await ConfluentTransactions.WriteInterleavedAsync(server.BootstrapServers, Topic, Partitions, "confluent-tx", log, Token);

        Assert.Equal(all.Count, Enumerable.Range(0, Partitions).Sum(p => cluster.Log(Topic, p).Count));
        Assert.All(Enumerable.Range(0, Partitions), p => Assert.Equal(2, cluster.AbortedTransactions(Topic, p).Count));
        Assert.All(Enumerable.Range(0, Partitions), p => Assert.Equal(cluster.LogEndOffset(Topic, p), cluster.LastStableOffset(Topic, p)));
        Assert.Equal(ScriptedTransactionState.CompleteCommit, cluster.Transaction("confluent-tx")!.State);

        Assert.Equal(committed.Order(StringComparer.Ordinal), ConsumeAll(server.BootstrapServers, CK.IsolationLevel.ReadCommitted).Order(StringComparer.Ordinal));
        Assert.Equal(all.Order(StringComparer.Ordinal), ConsumeAll(server.BootstrapServers, CK.IsolationLevel.ReadUncommitted).Order(StringComparer.Ordinal));

        // kafka-python 2.0.2 has no isolation level (always read_uncommitted) and hands control records out as
        // records: it reads every record of every batch, the markers' control records at their offsets too.
        var stored = Enumerable.Range(0, Partitions).SelectMany(p => cluster.Batches(Topic, p).SelectMany(b => b.Records).Select(r => $"{p}@{r.Offset}={Convert.ToHexString(r.Value!)}"));
        Assert.Equal(stored, KafkaPython.Consume(server.BootstrapServers, Topic).Select(r => $"{r.Partition}@{r.Offset}={Convert.ToHexString(r.Value!)}"));

        // librdkafka 2.15.1 drives the coordinator with InitProducerId v4, AddPartitionsToTxn v0 and EndTxn v1.
        Assert.Contains(cluster.Requests, r => r.Request.ApiKey == RxKafka.Protocol.Messages.ApiKey.AddPartitionsToTxn);
        Assert.Contains(cluster.Requests, r => r.Request.ApiKey == RxKafka.Protocol.Messages.ApiKey.EndTxn);
    }

    [Fact]
    public async Task T2_A_read_committed_consumer_stops_at_an_open_transaction_until_it_commits()
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic(Topic, partitions: 1);
        await using var server = cluster.ServeTcp();
        var log = new ConcurrentQueue<string>();
        using var transactional = Producer(server.BootstrapServers, log, "open-tx");
        using var plain = Producer(server.BootstrapServers, log, transactionalId: null);

        transactional.InitTransactions(Deadline);
        await plain.ProduceAsync(new CK.TopicPartition(Topic, 0), new CK.Message<string, string> { Key = "k", Value = "before" }, Token).WaitAsync(Deadline, Token);
        transactional.BeginTransaction();
        await transactional.ProduceAsync(new CK.TopicPartition(Topic, 0), new CK.Message<string, string> { Key = "k", Value = "open" }, Token).WaitAsync(Deadline, Token);
        await plain.ProduceAsync(new CK.TopicPartition(Topic, 0), new CK.Message<string, string> { Key = "k", Value = "after" }, Token).WaitAsync(Deadline, Token);

        Assert.Equal((1L, 3L), (cluster.LastStableOffset(Topic, 0), cluster.LogEndOffset(Topic, 0)));
        Assert.Equal(["before"], ConsumeAll(server.BootstrapServers, CK.IsolationLevel.ReadCommitted, partitions: 1));
        transactional.CommitTransaction(Deadline);
        Assert.Equal(["before", "open", "after"], ConsumeAll(server.BootstrapServers, CK.IsolationLevel.ReadCommitted, partitions: 1));
    }

    [Fact]
    public async Task T1_offsets_sent_to_a_transaction_commit_only_with_the_transaction()
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic(Topic, partitions: Partitions);
        await using var server = cluster.ServeTcp();
        var log = new ConcurrentQueue<string>();
        using var transactional = Producer(server.BootstrapServers, log, "eos-tx");
        using var consumer = new CK.ConsumerBuilder<string, string>(new CK.ConsumerConfig { BootstrapServers = server.BootstrapServers, GroupId = "eos-group", EnableAutoCommit = false }).Build();
        var metadata = consumer.ConsumerGroupMetadata; // standalone: generation -1, no member id

        transactional.InitTransactions(Deadline);
        transactional.BeginTransaction();
        await transactional.ProduceAsync(new CK.TopicPartition(Topic, 0), new CK.Message<string, string> { Key = "k", Value = "v" }, Token).WaitAsync(Deadline, Token);
        transactional.SendOffsetsToTransaction([new CK.TopicPartitionOffset(Topic, 1, 42)], metadata, Deadline);
        Assert.Null(cluster.CommittedOffset("eos-group", Topic, 1)); // pending until the commit marker
        transactional.CommitTransaction(Deadline);
        Assert.Equal(42L, cluster.CommittedOffset("eos-group", Topic, 1)!.Offset);
        Assert.Equal(42L, consumer.Committed([new CK.TopicPartition(Topic, 1)], Deadline).Single().Offset.Value);

        transactional.BeginTransaction();
        transactional.SendOffsetsToTransaction([new CK.TopicPartitionOffset(Topic, 1, 50)], metadata, Deadline);
        transactional.AbortTransaction(Deadline);
        Assert.Equal(42L, cluster.CommittedOffset("eos-group", Topic, 1)!.Offset);
    }

    private static CK.IProducer<string, string> Producer(string bootstrap, ConcurrentQueue<string> log, string? transactionalId) =>
        ConfluentTransactions.Producer(bootstrap, log, transactionalId);

    private static List<string> ConsumeAll(string bootstrap, CK.IsolationLevel isolation, int partitions = Partitions) =>
        ConfluentTransactions.ConsumeAll(bootstrap, Topic, isolation, partitions);
}
