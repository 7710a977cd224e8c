using System.Collections.Concurrent;
using System.Text;
using RxKafka.Client;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;
using RxKafka.Tests.Shared;

namespace RxKafka.IntegrationTests.Producer;

/// <summary>
/// P1 and P3 over real sockets against librdkafka's mock cluster, for each build (the subclasses): keyed
/// records from 1, 4, 8 and 16 threads through each face of the producer, from before metadata is known,
/// with 5 requests in flight, small batches and a leader move mid-stream, read back by kafka-python.
/// Per partition, each thread's records must be in its send order, each once. The mock checks no
/// sequences, so a request written out of order is stored out of order: before the sinks took batches
/// only while holding a ready connection, `rxkafka produce` of 4,000 keyed lines left a partition out
/// of order in about half the runs. (Injected errors are left to the in-memory cluster's stress test:
/// with requests in flight, the mock stores a later batch while an earlier one waits to be retried,
/// which a broker's sequence checks would refuse.)
/// </summary>
[Collection(ProducerOrderCollection.Name)]
public abstract class ProducerOrderTests
{
    private const string Topic = "ordered";
    private const int Partitions = 6;
    private const int RecordsPerRun = 12_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    protected abstract MockBuild Build { get; }

    [Theory]
    [MemberData(nameof(ProducerStress.Cases), MemberType = typeof(ProducerStress))]
    public async Task P1_P3_each_threads_records_are_in_send_order_per_partition_once_each_as_kafka_python_reads_them(ProducerFace face, int threads)
    {
        Prerequisites.RequireLibrary(Build);
        Prerequisites.RequireKafkaPython();
        using var cluster = MockKafkaCluster.Start(3, Build);
        cluster.CreateTopic(Topic, Partitions, 3);
        var options = new ProducerOptions
        {
            Client = KafkaClientOptions.FromBootstrap(cluster.BootstrapServers) with
            {
                RetryBackoff = TimeSpan.FromMilliseconds(20),
                RetryBackoffMax = TimeSpan.FromMilliseconds(250),
            },
            BatchSize = 1024,
            Linger = TimeSpan.Zero,
            MaxInFlightRequestsPerConnection = 5,
        };
        var perThread = RecordsPerRun / threads;
        var failures = new ConcurrentQueue<string>();
        var leaderMoved = 0;

        ProducerRecord<string?, string?> RecordOf(int thread, int sequence)
        {
            if (sequence == perThread / 2 && Interlocked.Exchange(ref leaderMoved, 1) == 0)
            {
                cluster.SetPartitionLeader(Topic, 0, 2);
                cluster.SetPartitionLeader(Topic, 1, 3);
            }

            return new ProducerRecord<string?, string?>(Topic, $"key-{thread}-{sequence % 11}", ProducerStress.ValueOf(thread, sequence));
        }

        await using (var producer = new KafkaProducer<string?, string?>(options, Serializers.Utf8, Serializers.Utf8))
        {
            await ProducerStress.SendAsync(producer, face, threads, perThread, RecordOf, (value, error) =>
            {
                if (error is not null)
                {
                    failures.Enqueue($"{value}: {error.Message}");
                }
            }).WaitAsync(Budget, TestContext.Current.CancellationToken);
            await producer.FlushAsync(TestContext.Current.CancellationToken).WaitAsync(Budget, TestContext.Current.CancellationToken);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} record(s) failed, first: {failures.FirstOrDefault()}");
        var read = KafkaPython.Consume(cluster.BootstrapServers, Topic);
        var problems = ProducerStress.Problems(read.Select(r => (r.Partition, Encoding.UTF8.GetString(r.Value!))), threads, perThread);
        TestContext.Current.TestOutputHelper?.WriteLine($"{cluster.Version}: {face}, {threads} thread(s): kafka-python read {read.Count} records, {problems.Count} problem(s)");
        Assert.True(problems.Count == 0, $"{cluster.Version}, {face}, {threads} thread(s):\n{string.Join("\n", problems.Take(10))}");
    }
}

/// <summary>
/// Runs the order tests alone, not beside other test classes: they open hundreds of client sockets, and
/// a test that takes a mock broker down and up again rebinds its listening port, which librdkafka's mock
/// cannot do (it aborts the process) once a client socket has taken that port as its local one.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProducerOrderCollection
{
    public const string Name = "producer order, alone";
}

/// <summary>Against Debian's librdkafka 2.0.2 mock.</summary>
public sealed class Debian202ProducerOrderTests : ProducerOrderTests
{
    protected override MockBuild Build => MockBuild.Debian202;
}

/// <summary>Against the librdkafka 2.15.1 mock from the librdkafka.redist package.</summary>
public sealed class Redist2151ProducerOrderTests : ProducerOrderTests
{
    protected override MockBuild Build => MockBuild.Redist2151;
}
