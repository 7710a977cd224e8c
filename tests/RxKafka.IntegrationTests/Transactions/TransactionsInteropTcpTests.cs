using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Text;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.IntegrationTests.Consumer;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Testing.Network;
using ApiKey = RxKafka.Protocol.Messages.ApiKey;
using CK = Confluent.Kafka;

namespace RxKafka.IntegrationTests.Transactions;

/// <summary>
/// Transactions across clients on the in-memory cluster over loopback TCP (the one broker here that lists aborted
/// transactions in Fetch: librdkafka's mock does not, so read_committed cannot be proved on it): RxKafka's
/// transactional producer read by Confluent.Kafka and kcat, Confluent.Kafka's read by RxKafka's consumer, each
/// with committed and aborted transactions interleaved with plain records across three partitions. The cluster
/// serves both transaction protocols: RxKafka's producer takes KIP-890 part 2 where the cluster finalizes
/// transaction.version 2 and KIP-98's explicit adds where it does not; librdkafka 2.15.1 knows only the latter.
/// </summary>
public sealed class TransactionsInteropTcpTests(ITestOutputHelper output)
{
    private const string Topic = "txn-interop";
    private const int Partitions = 3;
    private const int Rounds = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task T1_T2_what_the_RxKafka_transactional_producer_commits_Confluent_and_kcat_read_with_read_committed_and_nothing_it_aborts(short transactionVersion)
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance) { TransactionVersion = transactionVersion };
        cluster.CreateTopic(Topic, partitions: Partitions);
        await using var server = cluster.ServeTcp();
        var committed = new List<string>();
        var all = new List<string>();

        await using (var transactional = RxProducer(server.BootstrapServers, "rx-tx"))
        await using (var plain = RxProducer(server.BootstrapServers, transactionalId: null))
        {
            await transactional.InitTransactionsAsync(Token).WaitAsync(Deadline, Token);
            for (var round = 0; round < Rounds; round++)
            {
                var commit = round % 3 != 1;
                transactional.BeginTransaction();
                var values = RoundValues(round, commit);
                var deliveries = values.Select((v, i) => transactional.ProduceAsync(Record(i % Partitions, $"k{i}", v), Token)).ToList();
                var between = Enumerable.Range(0, Partitions).Select(p => $"p{round}-{p}").ToList();
                await Task.WhenAll(between.Select((v, p) => plain.ProduceAsync(Record(p, "plain", v), Token))).WaitAsync(Deadline, Token);
                await Task.WhenAll(deliveries).WaitAsync(Deadline, Token); // written before the end: an abort has records to hide
                if (commit)
                {
                    await transactional.CommitTransactionAsync(Token).WaitAsync(Deadline, Token);
                    committed.AddRange(values);
                }
                else
                {
                    await transactional.AbortTransactionAsync(Token).WaitAsync(Deadline, Token);
                }

                committed.AddRange(between);
                all.AddRange(values.Concat(between));
            }
        }

        // Every partition holds records of both kinds of transaction, so each reader is tested on each partition.
        Assert.All(Enumerable.Range(0, Partitions), p => Assert.Equal(Rounds / 3, cluster.AbortedTransactions(Topic, p).Count));
        Assert.Equal(all.Count, Enumerable.Range(0, Partitions).Sum(p => cluster.Log(Topic, p).Count));

        Assert.Equal(Sorted(committed), Sorted(ConfluentTransactions.ConsumeAll(server.BootstrapServers, Topic, CK.IsolationLevel.ReadCommitted, Partitions)));
        Assert.Equal(Sorted(all), Sorted(ConfluentTransactions.ConsumeAll(server.BootstrapServers, Topic, CK.IsolationLevel.ReadUncommitted, Partitions)));
        var kcat = Kcat.Consume(server.BootstrapServers, Topic, "isolation.level=read_committed");
        Assert.Equal(Sorted(committed), Sorted(kcat.Select(r => Encoding.UTF8.GetString(r.Value!))));

        // The protocol RxKafka's producer took: KIP-890 part 2 (no explicit adds, Produce v12, an epoch per end) or KIP-98.
        var versions = TransactionVersions(cluster, "rxkafka");
        output.WriteLine($"transaction.version {transactionVersion}: RxKafka sent {string.Join(", ", versions)}");
        if (transactionVersion == 2)
        {
            Assert.DoesNotContain(versions, v => v.Api is ApiKey.AddPartitionsToTxn);
            Assert.Equal([(ApiKey.EndTxn, (short)5)], versions.Where(v => v.Api == ApiKey.EndTxn).Distinct());
            Assert.Contains((ApiKey.Produce, (short)12), versions);
            Assert.Equal(Rounds, cluster.Transaction("rx-tx")!.ProducerEpoch); // one bump per end
        }
        else
        {
            Assert.Contains((ApiKey.AddPartitionsToTxn, (short)3), versions);
            Assert.Equal([(ApiKey.EndTxn, (short)4)], versions.Where(v => v.Api == ApiKey.EndTxn).Distinct());
            Assert.DoesNotContain(versions, v => v.Api == ApiKey.Produce && v.Version > 11);
        }
    }

    [Fact]
    public async Task T2_the_RxKafka_read_committed_consumer_reads_exactly_what_the_Confluent_transactional_producer_committed_on_a_transactions_v2_cluster()
    {
        // A cluster that finalizes transaction.version 2, as a new Kafka 4.0 cluster does.
        var cluster = new ScriptedCluster(DefaultScheduler.Instance) { TransactionVersion = 2 };
        cluster.CreateTopic(Topic, partitions: Partitions);
        await using var server = cluster.ServeTcp();
        var (committed, all) = await ConfluentTransactions.WriteInterleavedAsync(server.BootstrapServers, Topic, Partitions, "confluent-tx", new ConcurrentQueue<string>(), Token);

        Assert.All(Enumerable.Range(0, Partitions), p => Assert.Equal(Rounds / 3, cluster.AbortedTransactions(Topic, p).Count));
        var client = KafkaClientOptions.FromBootstrap(server.BootstrapServers);
        var readCommitted = await ConsumerReads.ReadTopicAsync(client, Topic, Token, isolation: IsolationLevel.ReadCommitted).WaitAsync(Deadline, Token);
        Assert.Equal(Sorted(committed), Sorted(readCommitted.Select(r => Encoding.UTF8.GetString(r.Value!))));
        var readUncommitted = await ConsumerReads.ReadTopicAsync(client, Topic, Token).WaitAsync(Deadline, Token);
        Assert.Equal(Sorted(all), Sorted(readUncommitted.Select(r => Encoding.UTF8.GetString(r.Value!))));

        // librdkafka 2.15.1 has no KIP-890 part 2: on this cluster it sends InitProducerId v4, AddPartitionsToTxn v0,
        // Produce v10 and EndTxn v1, so the cluster serves it KIP-98's protocol (the epoch stays across its transactions).
        var versions = TransactionVersions(cluster, "rdkafka");
        output.WriteLine($"librdkafka 2.15.1 on a transaction.version 2 cluster sent {string.Join(", ", versions)}");
        Assert.Contains(versions, v => v.Api == ApiKey.AddPartitionsToTxn);
        Assert.All(versions, v => Assert.True(v.Api switch
        {
            ApiKey.Produce => v.Version <= 11,
            ApiKey.EndTxn or ApiKey.TxnOffsetCommit => v.Version <= 4,
            _ => true,
        }, $"{v.Api} v{v.Version}"));
        Assert.Equal(0, cluster.Transaction("confluent-tx")!.ProducerEpoch);
    }

    // The transactional requests one client (by its client id's prefix) sent, with their versions, once each; its
    // Produce requests with a transactional id only.
    private static List<(ApiKey Api, short Version)> TransactionVersions(ScriptedCluster cluster, string clientIdPrefix) =>
        cluster.Requests
            .Where(r => (r.Request.Header.ClientId ?? "").StartsWith(clientIdPrefix, StringComparison.Ordinal)
                && (r.Request.Request is RxKafka.Protocol.Messages.ProduceRequest { TransactionalId: not null } || r.Request.ApiKey is ApiKey.InitProducerId
                    or ApiKey.AddPartitionsToTxn or ApiKey.AddOffsetsToTxn
                    or ApiKey.EndTxn or ApiKey.TxnOffsetCommit))
            .Select(r => (r.Request.ApiKey, r.Request.Version))
            .Distinct()
            .ToList();

    // Nine records of a round, three per partition: "c2-4" a committed one of round 2, "a1-0" an aborted one of round 1.
    private static List<string> RoundValues(int round, bool commit) =>
        Enumerable.Range(0, 9).Select(i => $"{(commit ? "c" : "a")}{round}-{i}").ToList();

    private static IOrderedEnumerable<string> Sorted(IEnumerable<string> values) => values.Order(StringComparer.Ordinal);

    private static ProducerRecord<string, string> Record(int partition, string key, string value) => new(Topic, key, value) { Partition = partition };

    private static KafkaProducer<string, string> RxProducer(string bootstrap, string? transactionalId)
    {
        var options = new ProducerOptions
        {
            Client = KafkaClientOptions.FromBootstrap(bootstrap) with { RetryBackoff = TimeSpan.FromMilliseconds(50) },
            TransactionalId = transactionalId,
            Linger = TimeSpan.FromMilliseconds(5),
        };
        return new KafkaProducer<string, string>(options, Serializers.Utf8, Serializers.Utf8);
    }
}
