#pragma warning disable xUnit1031

using System.Reactive.Linq;
using RxKafka.Consumer;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Tests.Consumer;
using RxKafka.Transactions;

namespace RxKafka.Tests.Transactions;

/// <summary>
/// The exactly-once pipeline's bed: input topic "t" (3 partitions, values "v{i}" written straight to the logs),
/// output topic "b" (3 partitions), group "eos" on the in-memory cluster in virtual time; a pipeline copies each
/// input record to the same partition of "b" with its input partition and offset as the key.
/// </summary>
public abstract class ExactlyOnceTestBed : ConsumerTestBed
{
    protected const int Partitions = 3;
    protected const string Group = "eos";

    protected ExactlyOnceTestBed()
        : base(partitions: Partitions)
    {
        Cluster.CreateTopic("b", Partitions, replicationFactor: 3);
    }

    protected ConsumerOptions EosConsumerOptions(string clientId) => Options with
    {
        Client = ClientOptions with { ClientId = clientId },
        GroupId = Group,
        PartitionAssignmentStrategy = "range",
        EnableAutoCommit = false,
        IsolationLevel = IsolationLevel.ReadCommitted,
        SessionTimeout = TimeSpan.FromSeconds(10),
        HeartbeatInterval = TimeSpan.FromSeconds(3),
        PrefetchMaxBytes = 64 * 1024,
        FetchMaxBytes = 32 * 1024,
        MaxPartitionFetchBytes = 8 * 1024,
    };

    protected ProducerOptions EosProducerOptions(string clientId) => new()
    {
        Client = ClientOptions with { ClientId = clientId },
        TransactionalId = $"eos-{clientId}",
        DeliveryTimeout = TimeSpan.FromSeconds(20),
        Linger = TimeSpan.FromMilliseconds(1),
    };

    /// <summary>Writes <paramref name="perPartition"/> records "v{i}" to each input partition.</summary>
    protected void WriteInput(int perPartition)
    {
        for (var p = 0; p < Partitions; p++)
        {
            for (var first = 0; first < perPartition; first += 5_000)
            {
                Append(new TopicPartition("t", p), first, Math.Min(5_000, perPartition - first));
            }
        }
    }

    /// <summary>The copy: same partition of "b", the input's value, its origin as the key.</summary>
    protected static IEnumerable<ProducerRecord<string?, string?>> Copy(ConsumeResult<string?, string?> input) =>
        [new ProducerRecord<string?, string?>("b", $"{input.TopicPartition}@{input.Offset}", input.Value) { Partition = input.Partition }];

    /// <summary>One member of the pipeline (with <paramref name="slow"/>, 2 ms of virtual time per record, so a fault lands mid-stream): its consumer, its transactional producer, and what its subscription saw.</summary>
    protected Stage Member(string clientId, Func<ConsumeResult<string?, string?>, IEnumerable<ProducerRecord<string?, string?>>>? transform = null, ExactlyOnceOptions? options = null, string? transactionalId = null, bool slow = false)
    {
        var consumer = Consumer(EosConsumerOptions(clientId));
        var producer = Own(new KafkaProducer<string?, string?>(EosProducerOptions(clientId) with { TransactionalId = transactionalId ?? $"eos-{clientId}" }, Serializers.Utf8, Serializers.Utf8));
        consumer.Subscribe(["t"]);
        var stage = new Stage(clientId, consumer, producer);
        options ??= new ExactlyOnceOptions { MaxBatchSize = 200 };
        var copy = transform ?? Copy;
        var pipeline = slow
            ? consumer.TransformExactlyOnce(producer, async (input, _) => { await Observable.Timer(TimeSpan.FromMilliseconds(2), Scheduler); return copy(input); }, options)
            : consumer.TransformExactlyOnce(producer, copy, options);
        stage.Subscription = pipeline.Subscribe(stage.Batches.Add, e => stage.Error = e, () => stage.Completed = true);
        return stage;
    }

    /// <summary>Steps virtual time until the group's committed offsets reach <paramref name="perPartition"/> on every input partition.</summary>
    protected void RunToTheEnd(int perPartition, TimeSpan budget, params Stage[] stages)
    {
        var done = AsyncPump.Until(Scheduler, () => Committed().All(c => c == perPartition) || stages.Any(s => s.Error is not null), budget);
        Assert.All(stages, s => Assert.Null(s.Error));
        Assert.True(done, $"committed [{string.Join(", ", Committed())}] of {perPartition} each:\n{string.Join("\n", stages.Select(s => s.Consumer.Describe()))}");
    }

    /// <summary>The group's committed offset per input partition (-1 for none).</summary>
    protected long[] Committed() =>
        Enumerable.Range(0, Partitions).Select(p => Cluster.CommittedOffset(Group, "t", p)?.Offset ?? -1).ToArray();

    /// <summary>
    /// What a read_committed reader of "b" holds against the input: per partition, the values in order, and
    /// counts of lost and duplicated inputs and of partitions out of order.
    /// </summary>
    protected (int Lost, int Duplicated, int OutOfOrder, int Total) Audit(int perPartition)
    {
        int lost = 0, duplicated = 0, outOfOrder = 0, total = 0;
        for (var p = 0; p < Partitions; p++)
        {
            var values = ReadCommittedLog.Values(Cluster, "b", p);
            total += values.Count;
            var numbers = values.Select(v => int.Parse(v!.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            duplicated += numbers.Count - numbers.Distinct().Count();
            lost += perPartition - numbers.Distinct().Count(n => n < perPartition);
            outOfOrder += numbers.Zip(numbers.Skip(1)).Count(pair => pair.Second <= pair.First);
        }

        return (lost, duplicated, outOfOrder, total);
    }

    /// <summary>Aborted transactions the output topic holds: records written but never visible to read_committed.</summary>
    protected int AbortedRecords() =>
        Enumerable.Range(0, Partitions).Sum(p => Cluster.Log("b", p).Count() - ReadCommittedLog.Values(Cluster, "b", p).Count);

    protected sealed class Stage(string clientId, KafkaConsumer<string?, string?> consumer, KafkaProducer<string?, string?> producer)
    {
        public string ClientId { get; } = clientId;

        public KafkaConsumer<string?, string?> Consumer { get; } = consumer;

        public KafkaProducer<string?, string?> Producer { get; } = producer;

        public IDisposable? Subscription { get; set; }

        public List<CommittedBatch> Batches { get; } = [];

        public volatile Exception? Error;

        public volatile bool Completed;
    }
}
