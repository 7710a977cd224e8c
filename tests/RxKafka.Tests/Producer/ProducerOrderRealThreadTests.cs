using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Producer;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using RxKafka.Testing.Network;
using RxKafka.Tests.Shared;

namespace RxKafka.Tests.Producer;

/// <summary>
/// P1–P3 with real threads: keyed records sent from 1, 4, 8 and 16 threads through each face of the
/// producer, from before metadata is known, with 5 requests in flight, injected retriable errors,
/// brokers dropping their connections and a leader move, against the in-memory cluster on the thread
/// pool (which checks idempotent sequences as a broker does). Virtual-time tests are single-threaded
/// and cannot find races; these can. Before the sinks took batches only while holding a ready
/// connection, requests that waited for a connection were written in any order, and these runs
/// found partitions out of send order and records stored twice (after OUT_OF_ORDER_SEQUENCE_NUMBER
/// and an epoch bump).
/// </summary>
public sealed class ProducerOrderRealThreadTests
{
    private const string Topic = "stress";
    private const int Partitions = 6;
    private const int RecordsPerRun = 6_000;
    private const int Runs = 3;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(ProducerStress.Cases), MemberType = typeof(ProducerStress))]
    public async Task P1_P2_P3_records_of_a_partition_are_stored_in_send_order_once_each_across_threads_faults_and_a_leader_move(ProducerFace face, int threads)
    {
        for (var run = 1; run <= Runs; run++)
        {
            await RunOnceAsync(face, threads, run);
        }
    }

    private static async Task RunOnceAsync(ProducerFace face, int threads, int run)
    {
        var log = new LogLines();
        // A millisecond per answer: requests queue up behind connection set-ups, several in flight.
        var cluster = new ScriptedCluster(DefaultScheduler.Instance, brokers: 3) { ResponseDelay = TimeSpan.FromMilliseconds(1) };
        cluster.CreateTopic(Topic, Partitions, replicationFactor: 3);
        // Retriable errors for the first requests: batches are retried behind others in flight.
        cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotLeaderOrFollower, ErrorCode.None, ErrorCode.RequestTimedOut, ErrorCode.None, ErrorCode.NotEnoughReplicas);
        var options = new ProducerOptions
        {
            Client = new KafkaClientOptions
            {
                BootstrapServers = BootstrapServers.Parse(cluster.BootstrapServers),
                TransportFactory = cluster,
                Scheduler = DefaultScheduler.Instance,
                RetryBackoff = TimeSpan.FromMilliseconds(5),
                RetryBackoffMax = TimeSpan.FromMilliseconds(20),
                LoggerFactory = log,
            },
            // Small batches and no linger: many requests, 5 in flight per connection.
            BatchSize = 512,
            Linger = TimeSpan.Zero,
            MaxInFlightRequestsPerConnection = 5,
        };

        var delivered = 0;
        var failures = new ConcurrentQueue<string>();
        var perThread = RecordsPerRun / threads;
        var leaderMoved = 0;
        var disconnects = 0;
        var context = $"{face}, {threads} thread(s), run {run}";

        ProducerRecord<string?, string?> RecordOf(int thread, int sequence)
        {
            if (sequence == perThread / 2 && Interlocked.Exchange(ref leaderMoved, 1) == 0)
            {
                // Mid-stream: partition 0's leader moves; the old leader answers NOT_LEADER_OR_FOLLOWER.
                cluster.SetPartitionLeader(Topic, 0, (cluster.Partitions(Topic)[0].LeaderId % 3) + 1);
            }

            if (thread == 0 && sequence % (perThread / 4) == perThread / 8)
            {
                // A broker drops its connections: requests in flight fail and are retried, new ones wait for a reconnect.
                cluster.Broker((Interlocked.Increment(ref disconnects) % 3) + 1).DisconnectAll();
            }

            return new ProducerRecord<string?, string?>(Topic, $"key-{thread}-{sequence % 7}", ProducerStress.ValueOf(thread, sequence));
        }

        void Outcome(string value, Exception? error)
        {
            if (error is null)
            {
                Interlocked.Increment(ref delivered);
            }
            else
            {
                failures.Enqueue($"{value}: {error.Message}");
            }
        }

        await using (var producer = new KafkaProducer<string?, string?>(options, Serializers.Utf8, Serializers.Utf8))
        {
            try
            {
                await ProducerStress.SendAsync(producer, face, threads, perThread, RecordOf, Outcome).WaitAsync(Budget);
                await producer.FlushAsync().WaitAsync(Budget);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{context}: not done within {Budget}; the producer's state:\n{producer.Describe()}\nits log:\n{log}");
            }
        }

        Assert.True(failures.IsEmpty, $"{context}: {failures.Count} record(s) failed, first: {failures.FirstOrDefault()}");
        if (face != ProducerFace.Send)
        {
            Assert.Equal(RecordsPerRun, delivered);
        }

        var stored = Enumerable.Range(0, Partitions).SelectMany(p => cluster.Log(Topic, p).Select(r => (p, r.ValueString!)));
        var problems = ProducerStress.Problems(stored, threads, perThread);
        Assert.True(problems.Count == 0, $"{context}: {string.Join("\n", problems.Take(10))}\nthe batches:\n{Describe(cluster)}\nthe producer's log:\n{log}");
    }

    private static string Describe(ScriptedCluster cluster) =>
        string.Join("\n", Enumerable.Range(0, Partitions).SelectMany(p => cluster.Batches(Topic, p).Select(b => $"p{p}: {b} first {b.Records[0].ValueString} last {b.Records[^1].ValueString}")).Take(100));

    // What the producer and its client log (retries, epoch bumps, connections), shown when a run fails.
    private sealed class LogLines : ILoggerFactory, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");

        public override string ToString() => string.Join("\n", _lines.TakeLast(200));
    }
}
