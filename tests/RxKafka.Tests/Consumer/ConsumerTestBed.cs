// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks.
#pragma warning disable xUnit1031, xUnit1051

using System.Text;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.Producer;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// What the consumer tests share: an in-memory cluster of three brokers in virtual time with topic "t"
/// (partitions 0, 1, 2 led by brokers 1, 2, 3), a producer that writes "k{i}"/"v{i}" records into it,
/// consumers over it, and drivers that read a consumer's faces by advancing the clock.
/// </summary>
public abstract class ConsumerTestBed : ReactiveTest, IAsyncDisposable
{
    protected const long Time0 = 1_700_000_000_000;
    protected static readonly TopicPartition T0 = new("t", 0);
    protected static readonly TopicPartition T1 = new("t", 1);
    protected static readonly TopicPartition T2 = new("t", 2);
    private readonly List<IAsyncDisposable> _owned = [];

    /// <param name="partitions">How many partitions topic "t" has.</param>
    /// <param name="scheduler">The virtual clock, when a test needs its own kind (one that watches every work item); a plain TestScheduler otherwise.</param>
    protected ConsumerTestBed(int partitions = 3, TestScheduler? scheduler = null)
    {
        Scheduler = scheduler ?? new TestScheduler();
        Cluster = new ScriptedCluster(Scheduler, brokers: 3);
        Cluster.CreateTopic("t", partitions, replicationFactor: 3);
    }

    protected TestScheduler Scheduler { get; }

    protected ScriptedCluster Cluster { get; }

    protected KafkaClientOptions ClientOptions => new()
    {
        BootstrapServers = RxKafka.BootstrapServers.Parse(Cluster.BootstrapServers),
        TransportFactory = Cluster,
        Scheduler = Scheduler,
        BackoffJitter = 0,
        Random = new Random(5),
        RetryBackoff = TimeSpan.FromMilliseconds(100),
        RetryBackoffMax = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    protected ConsumerOptions Options => new() { Client = ClientOptions, AutoOffsetReset = AutoOffsetReset.Earliest, FetchMaxWait = TimeSpan.FromMilliseconds(100) };

    /// <summary>Fetch requests the brokers received: when (virtual time since 0), which broker, what.</summary>
    protected List<(TimeSpan At, int NodeId, FetchRequest Request)> FetchRequests =>
        Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.Fetch).Select(r => (r.Request.ReceivedAt - DateTimeOffset.MinValue, r.NodeId, (FetchRequest)r.Request.Request)).ToList();

    /// <summary>A consumer of strings over the cluster, disposed with the test.</summary>
    protected KafkaConsumer<string?, string?> Consumer(ConsumerOptions? options = null, IDeserializer<string?>? values = null)
    {
        var consumer = new KafkaConsumer<string?, string?>(options ?? Options, Deserializers.Utf8, values ?? Deserializers.Utf8);
        _owned.Add(consumer);
        return consumer;
    }

    /// <summary>Disposes <paramref name="owned"/> with the test, after what was owned before it.</summary>
    protected T Own<T>(T owned)
        where T : IAsyncDisposable
    {
        _owned.Add(owned);
        return owned;
    }

    /// <summary>Writes <paramref name="count"/> records "k{i}"/"v{i}" (i from <paramref name="first"/>) to <paramref name="partition"/>, with CreateTime Time0 + i seconds, and waits until they are acknowledged.</summary>
    protected void Produce(TopicPartition partition, int count, int first = 0, Headers? headers = null)
    {
        var options = new ProducerOptions { Client = ClientOptions, Linger = TimeSpan.FromMilliseconds(1) };
        var producer = new KafkaProducer<string?, string?>(options, Serializers.Utf8, Serializers.Utf8);
        var sent = Enumerable.Range(first, count)
            .Select(i => producer.ProduceAsync(new ProducerRecord<string?, string?>(partition.Topic, $"k{i}", $"v{i}")
            {
                Partition = partition.Partition,
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(Time0 + (i * 1000L)),
                Headers = headers,
            }))
            .ToArray();
        // Delivery tasks complete their continuations on the thread pool: wait for the tasks themselves.
        Assert.True(Scheduler.AdvanceUntil(() => sent.All(t => t.IsCompleted), Scheduler.Clock + TimeSpan.FromSeconds(30).Ticks), "the records were not acknowledged");
        Assert.All(sent, t => Assert.True(t.IsCompletedSuccessfully, t.Exception?.ToString()));
        var dispose = producer.DisposeAsync().AsTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(dispose, TimeSpan.FromSeconds(5)));
    }

    // Writes `count` small records "v{i}" straight to the partition's leader in one batch (hundreds of thousands
    // of records through the producer's tasks would take minutes of test time for nothing these tests are about).
    protected void Append(TopicPartition partition, int first, int count)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(Time0 + first + i, null, System.Text.Encoding.UTF8.GetBytes($"v{first + i}"));
        }

        AppendRecords(partition, builder.Build(CompressionType.None).ToArray());
    }

    /// <summary>Writes a records field (record batches as the producer sends them) straight to the partition's leader.</summary>
    protected void AppendRecords(TopicPartition partition, byte[] records)
    {
        var leader = Cluster.Partitions(partition.Topic)[partition.Partition].LeaderId;
        var request = new ProduceRequest { Acks = -1, TimeoutMs = 1000, TopicData = [new() { Name = partition.Topic, PartitionData = [new() { Index = partition.Partition, Records = records }] }] };
        var connection = RxKafka.Network.KafkaConnection.ConnectAsync(Cluster.Endpoint(leader), Cluster, new RxKafka.Network.ConnectionOptions { Scheduler = Scheduler });
        Assert.True(Scheduler.AdvanceUntilCompleted(connection, TimeSpan.FromSeconds(1)));
        var answer = connection.Result.SendAsync(request);
        Assert.True(Scheduler.AdvanceUntilCompleted(answer, TimeSpan.FromSeconds(1)));
        Assert.Equal(0, answer.Result.Responses[0].PartitionResponses[0].ErrorCode);
        _ = connection.Result.DisposeAsync();
    }

    /// <summary>Reads <paramref name="count"/> results through <see cref="KafkaConsumer{TKey, TValue}.ConsumeAsync"/>, advancing the clock up to <paramref name="budget"/>.</summary>
    protected List<ConsumeResult<string?, string?>> Read(IKafkaConsumer<string?, string?> consumer, int count, TimeSpan? budget = null)
    {
        var task = Take(consumer.ConsumeAsync(), count);
        Assert.True(Scheduler.AdvanceUntilCompleted(task, budget ?? TimeSpan.FromSeconds(10)), $"fewer than {count} records arrived in time:\n{(consumer as KafkaConsumer<string?, string?>)?.Describe()}");
        if (task.IsFaulted)
        {
            throw task.Exception!.InnerException!;
        }

        return task.Result;
    }

    /// <summary>Reads until the enumeration throws, and returns what came before and the exception.</summary>
    protected (List<ConsumeResult<string?, string?>> Read, Exception Error) ReadUntilError(IKafkaConsumer<string?, string?> consumer, TimeSpan? budget = null)
    {
        var read = new List<ConsumeResult<string?, string?>>();
        var task = Collect(consumer.ConsumeAsync(), read);
        Assert.True(Scheduler.AdvanceUntilCompleted(task, budget ?? TimeSpan.FromSeconds(10)), $"no error came; read {read.Count}");
        Assert.True(task.IsFaulted, "the enumeration ended without an error");
        return (read, task.Exception!.InnerException!);
    }

    protected static string Value(ConsumeResult<string?, string?> r) => $"{r.TopicPartition}@{r.Offset}:{r.Key}={r.Value}";

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            var task = owned.DisposeAsync().AsTask();
            Scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(5));
            await task;
        }

        GC.SuppressFinalize(this);
    }

    private static async Task<List<ConsumeResult<string?, string?>>> Take(IAsyncEnumerable<ConsumeResult<string?, string?>> records, int count)
    {
        var list = new List<ConsumeResult<string?, string?>>();
        if (count == 0)
        {
            return list;
        }

        await foreach (var record in records)
        {
            list.Add(record);
            if (list.Count == count)
            {
                break;
            }
        }

        return list;
    }

    private static async Task Collect(IAsyncEnumerable<ConsumeResult<string?, string?>> records, List<ConsumeResult<string?, string?>> into)
    {
        await foreach (var record in records)
        {
            into.Add(record);
        }
    }
}
