using System.Globalization;
using RxKafka.Client;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Producer;

/// <summary>
/// The idempotent producer (acks=all) under faults against librdkafka's mock cluster, for each build
/// (the subclasses): while 200,000 keyed records are produced, partition leaders move twice, a broker
/// goes down and comes back, and Produce requests fail with NOT_LEADER_OR_FOLLOWER and
/// REQUEST_TIMED_OUT. Every record acknowledged must then be in the topic exactly once, at the offset
/// it was acknowledged with, in per-key order, read back by kcat.
/// </summary>
public abstract class ProducerFaultTests : IDisposable
{
    private const string Topic = "faults";
    private const int Keys = 1000;
    private const int PerKey = 200;
    private const int Partitions = 12;
    private const int Chunks = 10;
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(60);

    private readonly RecordingLoggerFactory _log = new(Microsoft.Extensions.Logging.LogLevel.Debug);

    protected abstract MockBuild Build { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task Acknowledged_records_survive_leader_moves_a_broker_down_and_injected_errors_exactly_once_and_in_per_key_order()
    {
        Prerequisites.RequireLibrary(Build);
        Prerequisites.RequireKcat();
        using var cluster = MockKafkaCluster.Start(3, Build);
        // 200,000 records of about 40 bytes over 12 partitions: about 0.7 MB a partition, well under
        // the 5 MiB the mock keeps per partition.
        cluster.CreateTopic(Topic, Partitions, 3);
        var options = new ProducerOptions
        {
            Client = KafkaClientOptions.FromBootstrap(cluster.BootstrapServers) with
            {
                LoggerFactory = _log,
                RetryBackoff = TimeSpan.FromMilliseconds(20),
                RetryBackoffMax = TimeSpan.FromMilliseconds(250),
                ReconnectBackoff = TimeSpan.FromMilliseconds(20),
                ReconnectBackoffMax = TimeSpan.FromMilliseconds(250),
            },
            Acks = Acks.All,
            EnableIdempotence = true,
        };
        await using var producer = new KafkaProducer<string, string>(options, Serializers.Utf8, Serializers.Utf8);
        var progress = new Progress();
        var outcomes = new Task<RecordMetadata>[Keys * PerKey];
        var steps = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        void ProduceChunk(int chunk)
        {
            for (var seq = chunk * PerKey / Chunks; seq < (chunk + 1) * PerKey / Chunks; seq++)
            {
                for (var key = 0; key < Keys; key++)
                {
                    var task = producer.ProduceAsync(new ProducerRecord<string, string>(Topic, KeyOf(key), ValueOf(key, seq)), Token);
                    outcomes[(seq * Keys) + key] = task;
                    progress.Track(task);
                }
            }
        }

        void Step(string what, Action fault)
        {
            fault();
            steps.Add($"{clock.ElapsedMilliseconds,6} ms, {progress.Delivered,7} delivered: {what}");
        }

        Task WhenDelivered(long count, string why) => Within(progress.When(p => p.Delivered >= count), $"{count} records delivered ({why})");

        ProduceChunk(0);
        await WhenDelivered(5_000, "before the first leader move");
        Step("leaders of partitions 0 and 1 move", () => MoveLeaders(cluster, producer.Client, [0, 1]));
        ProduceChunk(1);
        Step("3 Produce requests fail with NOT_LEADER_OR_FOLLOWER", () => cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower, ErrorCode.NotLeaderOrFollower, ErrorCode.NotLeaderOrFollower));
        ProduceChunk(2);
        await WhenDelivered(40_000, "before broker 2 goes down");
        // The client's own report that it lost broker 2 (a metadata update for ConnectionLost may be
        // folded into one the producer forced for another reason).
        var lost = _log.WhenLogged(line => line.Contains("broker 2 (", StringComparison.Ordinal)
            && (line.Contains("closed: ConnectionBroken", StringComparison.Ordinal) || line.Contains("Could not connect", StringComparison.Ordinal)));
        Step("broker 2 down", () => cluster.SetBrokerDown(2));
        ProduceChunk(3);
        await Within(lost, "the producer's client reports broker 2's connection broken");
        // Every record produced so far whose partition broker 2 does not lead gets through meanwhile.
        var partitionOf = new Dictionary<int, int>();
        for (var key = 0; key < Keys; key++)
        {
            partitionOf[key] = (await outcomes[key]).Partition;
        }

        var ledBy2 = Enumerable.Range(0, Partitions).Where(p => producer.Client.Snapshot.GetLeader(Topic, p) == 2).ToHashSet();
        var others = Enumerable.Range(0, Partitions).Where(p => !ledBy2.Contains(p)).ToHashSet();
        var elsewhere = Enumerable.Range(0, Keys).Count(k => others.Contains(partitionOf[k])) * (4 * PerKey / Chunks);
        await Within(progress.When(p => p.DeliveredTo(others) >= elsewhere), $"all {elsewhere} records so far of the partitions broker 2 does not lead ({string.Join(", ", ledBy2)} are its)");
        Step("broker 2 up", () => cluster.SetBrokerUp(2));
        ProduceChunk(4);
        Step("3 Produce requests fail with REQUEST_TIMED_OUT", () => cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.RequestTimedOut, ErrorCode.RequestTimedOut, ErrorCode.RequestTimedOut));
        ProduceChunk(5);
        Step("leaders of partitions 0, 1 and 5 move again", () => MoveLeaders(cluster, producer.Client, [0, 1, 5]));
        for (var chunk = 6; chunk < Chunks; chunk++)
        {
            ProduceChunk(chunk);
        }

        try
        {
            await Task.WhenAll(outcomes).WaitAsync(TimeSpan.FromSeconds(120), Token);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{outcomes.Count(t => !t.IsCompleted)} records not acknowledged or failed within 120 s after the last fault; steps:\n{string.Join('\n', steps)}\nlog:\n{_log.Tail()}");
        }
        catch (Exception)
        {
            // Failed records are counted below.
        }

        var produceTime = clock.Elapsed;
        var failed = outcomes.Where(t => !t.IsCompletedSuccessfully).Select(t => t.Exception?.InnerException?.Message ?? "canceled").ToList();
        var readBack = Kcat.Consume(cluster.BootstrapServers, Topic);
        var readTime = clock.Elapsed - produceTime;
        var batches = await RawFetch.ReadTopicAsync(producer.Client, Topic, Token).WaitAsync(StepDeadline, Token);
        var acknowledged = new Dictionary<string, RecordMetadata>();
        var failedValues = new HashSet<string>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            var value = ValueOf(i % Keys, i / Keys);
            if (outcomes[i].IsCompletedSuccessfully)
            {
                acknowledged[value] = await outcomes[i];
            }
            else
            {
                failedValues.Add(value);
            }
        }

        var verdict = IdempotentLog.Verify(readBack, batches, acknowledged, failedValues, SequenceOf);
        var report = $"{cluster.Version}: {acknowledged.Count} acknowledged, {failed.Count} failed in {produceTime.TotalSeconds:0.0} s; "
            + $"kcat read {readBack.Count} records in {readTime.TotalSeconds:0.0} s; {verdict.Summary}\n{string.Join('\n', steps)}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.True(verdict.Problems.Count == 0, $"{report}\n{verdict.Problems.Count} problem(s):\n{string.Join('\n', verdict.Problems.Take(30))}\nlog:\n{_log.Tail(100)}");
        Assert.True(failed.Count == 0, $"{report}\nfailed records:\n{string.Join('\n', failed.Distinct().Take(10))}");
    }

    private static string KeyOf(int key) => $"key-{key:D4}";

    private static int SequenceOf(string value) => int.Parse(value.AsSpan(9, 6), CultureInfo.InvariantCulture);

    /// <summary>The key, its sequence number, and padding to about 40 bytes a record with the framing.</summary>
    private static string ValueOf(int key, int seq) => $"key-{key:D4}:{seq:D6}:payload";

    private static void MoveLeaders(MockKafkaCluster cluster, KafkaClient client, int[] partitions)
    {
        foreach (var partition in partitions)
        {
            var current = client.Snapshot.GetLeader(Topic, partition) ?? 1;
            // Never onto broker 2, which goes down and up in between.
            var target = current == 1 ? 3 : 1;
            cluster.SetPartitionLeader(Topic, partition, target);
        }
    }

    private async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(StepDeadline, Token);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"waited {StepDeadline.TotalSeconds:0} s for: {what}\nlog:\n{_log.Tail()}");
        }
    }

    /// <summary>Counts deliveries, all and per partition; a test waits for a condition on them.</summary>
    private sealed class Progress
    {
        private readonly object _gate = new();
        private readonly long[] _byPartition = new long[Partitions];
        private readonly List<(Func<Progress, bool> Condition, TaskCompletionSource Reached)> _waiters = [];
        private long _delivered;

        public long Delivered
        {
            get
            {
                lock (_gate)
                {
                    return _delivered;
                }
            }
        }

        /// <summary>Deliveries to <paramref name="partitions"/> (call under a condition or take the lock).</summary>
        public long DeliveredTo(IReadOnlySet<int> partitions) => partitions.Sum(p => _byPartition[p]);

        public void Track(Task<RecordMetadata> outcome) => outcome.ContinueWith(
            static (t, p) =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    ((Progress)p!).OnDelivered(t.Result.Partition);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        public Task When(Func<Progress, bool> condition)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (condition(this))
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((condition, reached));
            }

            return reached.Task;
        }

        private void OnDelivered(int partition)
        {
            lock (_gate)
            {
                _delivered++;
                _byPartition[partition]++;
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Condition(this))
                    {
                        _waiters[i].Reached.TrySetResult();
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }
    }
}

/// <summary>Faults through Debian's librdkafka 2.0.2 mock (a down broker stays in Metadata).</summary>
public sealed class Debian202ProducerFaultTests : ProducerFaultTests
{
    protected override MockBuild Build => MockBuild.Debian202;
}

/// <summary>Faults through librdkafka 2.15.1's mock (a down broker leaves Metadata).</summary>
public sealed class Redist2151ProducerFaultTests : ProducerFaultTests
{
    protected override MockBuild Build => MockBuild.Redist2151;
}
