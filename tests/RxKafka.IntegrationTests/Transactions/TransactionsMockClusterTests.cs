using System.Text;
using RxKafka.Client;
using RxKafka.IntegrationTests.Consumer;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Transactions;

/// <summary>
/// RxKafka's transactional producer against librdkafka 2.15.1's mock cluster, which implements the coordinator's
/// side (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit) but not read_committed
/// filtering: what it proves is that commits and aborts go through another implementation's coordinator and that
/// a second producer with the same transactional.id fences the first there too.
/// </summary>
public sealed class TransactionsMockClusterTests
{
    private const string Topic = "txn-mock";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task T1_commit_and_abort_go_through_the_librdkafka_2_15_1_mocks_coordinator()
    {
        using var cluster = StartCluster();
        await using (var producer = Producer(cluster, "mock-tx"))
        {
            await producer.InitTransactionsAsync(Token).WaitAsync(Deadline, Token);
            foreach (var (round, commit) in new[] { (0, true), (1, false), (2, true) })
            {
                producer.BeginTransaction();
                await Task.WhenAll(Enumerable.Range(0, 3).Select(p => producer.ProduceAsync(new ProducerRecord<string, string>(Topic, "k", $"{round}-{p}") { Partition = p }, Token))).WaitAsync(Deadline, Token);
                await (commit ? producer.CommitTransactionAsync(Token) : producer.AbortTransactionAsync(Token)).WaitAsync(Deadline, Token);
                Assert.Equal(TransactionState.Ready, producer.TransactionState);
            }
        }

        // The mock has no read_committed filtering: every record is there, with the markers' offsets between them.
        // Its markers are control batches with CRC 0 (a consumer checking CRCs, as RxKafka's does by default, fails
        // on them; librdkafka's default is check.crcs=false), so this read does not check them.
        var stored = await ConsumerReads.ReadTopicAsync(KafkaClientOptions.FromBootstrap(cluster.BootstrapServers), Topic, Token, checkCrcs: false).WaitAsync(Deadline, Token);
        Assert.Equal(
            Enumerable.Range(0, 3).SelectMany(round => Enumerable.Range(0, 3).Select(p => $"{round}-{p}")).Order(StringComparer.Ordinal),
            stored.Select(r => Encoding.UTF8.GetString(r.Value!)).Order(StringComparer.Ordinal));
        Assert.All(stored.GroupBy(r => r.Partition), p => Assert.Equal([0L, 2L, 4L], p.Select(r => r.Offset)));
    }

    [Fact]
    public async Task T1_the_2_15_1_mock_does_not_fence_a_producer_whose_transactional_id_a_second_one_took_over()
    {
        // A limit of the mock, pinned so that a mock that starts fencing is noticed: after a second InitProducerId
        // with the same transactional.id, the first producer's EndTxn with its old epoch still succeeds there. A
        // Kafka broker answers it PRODUCER_FENCED; RxKafka's ProducerFencedException on that answer is proved on
        // the in-memory cluster (TransactionalProducerErrorsTests, in virtual time).
        using var cluster = StartCluster();
        await using var first = Producer(cluster, "mock-fenced");
        await first.InitTransactionsAsync(Token).WaitAsync(Deadline, Token);
        first.BeginTransaction();
        await first.ProduceAsync(new ProducerRecord<string, string>(Topic, "k", "first") { Partition = 0 }, Token).WaitAsync(Deadline, Token);

        await using var second = Producer(cluster, "mock-fenced");
        await second.InitTransactionsAsync(Token).WaitAsync(Deadline, Token);

        await first.CommitTransactionAsync(Token).WaitAsync(Deadline, Token);
        Assert.Equal(TransactionState.Ready, first.TransactionState);
        second.BeginTransaction();
        await second.ProduceAsync(new ProducerRecord<string, string>(Topic, "k", "second") { Partition = 0 }, Token).WaitAsync(Deadline, Token);
        await second.CommitTransactionAsync(Token).WaitAsync(Deadline, Token);
    }

    private static MockKafkaCluster StartCluster()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic(Topic, 3, 3);
        return cluster;
    }

    private static KafkaProducer<string, string> Producer(MockKafkaCluster cluster, string transactionalId) =>
        new(
            new ProducerOptions
            {
                Client = KafkaClientOptions.FromBootstrap(cluster.BootstrapServers) with { RetryBackoff = TimeSpan.FromMilliseconds(50) },
                TransactionalId = transactionalId,
                Linger = TimeSpan.FromMilliseconds(5),
            },
            Serializers.Utf8,
            Serializers.Utf8);
}
