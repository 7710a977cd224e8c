using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer.Transactions;

/// <summary>
/// What the transactional producer's tests share: a ScriptedCluster of three brokers (its transaction
/// coordinator, markers, last stable offsets) with topic "orders" of three partitions, in virtual time, running
/// a transaction protocol (<c>transaction.version</c> 1: KIP-98's explicit adds; 2: KIP-890 part 2);
/// transactional producers on it, and what a read_committed reader would see of a partition.
/// </summary>
public abstract class TransactionalProducerTestBed : ReactiveTest, IAsyncDisposable
{
    protected const string TxId = "tx";
    protected static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly List<KafkaProducer<string?, string?>> _producers = new();

    /// <param name="transactionVersion">The <c>transaction.version</c> the cluster finalizes.</param>
    protected TransactionalProducerTestBed(short transactionVersion)
    {
        Cluster = new ScriptedCluster(Scheduler, brokers: 3) { TransactionVersion = transactionVersion };
        Cluster.CreateTopic("orders", partitions: 3, replicationFactor: 3);
    }

    protected TestScheduler Scheduler { get; } = new();

    protected ScriptedCluster Cluster { get; }

    protected ProducerOptions Options => new()
    {
        Client = new KafkaClientOptions
        {
            BootstrapServers = BootstrapServers.Parse(Cluster.BootstrapServers),
            TransportFactory = Cluster,
            Scheduler = Scheduler,
            BackoffJitter = 0,
            Random = new Random(5),
            RetryBackoff = TimeSpan.FromMilliseconds(100),
            RetryBackoffMax = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.FromSeconds(10),
        },
        TransactionalId = TxId,
        DeliveryTimeout = TimeSpan.FromSeconds(20),
    };

    protected KafkaProducer<string?, string?> Producer(ProducerOptions? options = null)
    {
        var producer = new KafkaProducer<string?, string?>(options ?? Options, Serializers.Utf8, Serializers.Utf8);
        _producers.Add(producer);
        return producer;
    }

    /// <summary>A transactional producer, initialized.</summary>
    protected KafkaProducer<string?, string?> Initialized(ProducerOptions? options = null)
    {
        var producer = Producer(options);
        Complete(producer.InitTransactionsAsync());
        Assert.Equal(TransactionState.Ready, producer.TransactionState);
        return producer;
    }

    protected Task<RecordMetadata> Send(KafkaProducer<string?, string?> producer, int partition, string value) =>
        producer.ProduceAsync(new ProducerRecord<string?, string?>("orders", null, value) { Partition = partition });

    /// <summary>One transaction: each of <paramref name="records"/> (partition, value) sent and acknowledged, then the commit.</summary>
    protected void CommitTransaction(KafkaProducer<string?, string?> producer, params (int Partition, string Value)[] records)
    {
        producer.BeginTransaction();
        CompleteAll(records.Select(r => Send(producer, r.Partition, r.Value)).ToList());
        Complete(producer.CommitTransactionAsync());
    }

    /// <summary>The (API, version) of every request the cluster received from the <paramref name="first"/>-th on.</summary>
    protected List<(ApiKey Api, short Version)> RequestsFrom(int first) =>
        Cluster.Requests.Skip(first).Select(r => (r.Request.ApiKey, r.Request.Version)).ToList();

    protected void Complete(Task task, TimeSpan? budget = null)
    {
        Assert.True(Scheduler.AdvanceUntilCompleted(task, budget ?? TimeSpan.FromSeconds(5)), "the task did not complete in virtual time");
        Assert.True(task.IsCompletedSuccessfully, $"the task failed: {task.Exception?.InnerException}");
    }

    // One at a time: Task.WhenAll would complete on the thread pool (the delivery tasks' continuations run there).
    protected void CompleteAll(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            Complete(task);
        }
    }

    protected T Complete<T>(Task<T> task, TimeSpan? budget = null)
    {
        Complete((Task)task, budget);
        return task.Result;
    }

    protected TException Fails<TException>(Task task, TimeSpan? budget = null)
        where TException : Exception
    {
        Assert.True(Scheduler.AdvanceUntilCompleted(task, budget ?? TimeSpan.FromSeconds(5)), "the task did not complete in virtual time");
        Assert.True(task.IsFaulted, $"the task did not fail: {task.Status}");
        return Assert.IsAssignableFrom<TException>(task.Exception!.InnerException);
    }

    /// <summary>
    /// The values a read_committed reader gets from a partition: records of no transaction, and of transactions
    /// whose marker is a commit; none of an aborted transaction, none of one still open.
    /// </summary>
    protected List<string?> Committed(int partition) => RxKafka.Tests.Transactions.ReadCommittedLog.Values(Cluster, "orders", partition);

    /// <summary>Every value written to a partition, committed, aborted or open (what read_uncommitted reads).</summary>
    protected List<string?> Written(int partition) => Cluster.Log("orders", partition).Select(r => r.ValueString).ToList();

    protected List<T> Requests<T>() => Cluster.Requests.Select(r => r.Request.Request).OfType<T>().ToList();

    protected int Count(ApiKey api) => Cluster.Requests.Count(r => r.Request.ApiKey == api);

    public ValueTask DisposeAsync()
    {
        foreach (var producer in _producers)
        {
            Scheduler.AdvanceUntilCompleted(producer.DisposeAsync().AsTask(), Second);
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
