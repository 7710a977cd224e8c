using System.Reactive.Concurrency;
using System.Text;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.Network;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;
using RxKafka.Testing.Network;

namespace RxKafka.IntegrationTests.Consumer;

/// <summary>
/// R10 on real threads: a group of three RxKafka consumers reads 200,000 records over six partitions from the
/// scripted cluster served over loopback TCP (real-time scheduler), through each face; one member is killed
/// mid-stream (it stops reading and every request it sends goes unanswered, so it neither commits nor leaves);
/// the other two take its partitions once its session times out. Every record must have been delivered at
/// least once; the duplicates (what the victim read after its last commit) are counted and written out.
/// </summary>
public sealed class ConsumerFaultTcpTests(ITestOutputHelper output)
{
    private const string Topic = "faults";
    private const int Partitions = 6;
    private const int Records = 200_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("async")]
    [InlineData("observable")]
    [InlineData("partitions")]
    public async Task R10_a_member_killed_mid_stream_loses_nothing_over_tcp_with_real_threads(string face)
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic(Topic, Partitions, replicationFactor: 3);
        await AppendAll(cluster);
        await using var server = cluster.ServeTcp();
        var tally = new Tally();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var settled = new Settled(3);
        var members = new[] { "a", "b", "victim" }.Select(id => new Member(Consumer(server.BootstrapServers, id), id, tally, settled)).ToArray();
        var victim = members[2];
        try
        {
            // Nobody reads before the three share the partitions, so that the victim dies holding records.
            await settled.Task.WaitAsync(Deadline, Token);
            foreach (var member in members)
            {
                member.Read(face);
            }

            await tally.Reached(Records / 4).WaitAsync(Deadline, Token);
            var generation = cluster.DescribeGroup("g")!.GenerationId;

            // Silenced before it stops counting: whatever it commits from now on never lands.
            cluster.Handler = (_, request) => request.Header.ClientId == victim.ClientId ? BrokerReply.Silence : null;
            victim.Kill();
            var killedAt = clock.Elapsed;

            await tally.AllSeen.WaitAsync(Deadline, Token);
            var elapsed = clock.Elapsed;
            var group = cluster.DescribeGroup("g")!;
            output.WriteLine($"{face}: records {Records}, delivered {tally.Delivered}, distinct {tally.Distinct}, lost {Records - tally.Distinct}, duplicates {tally.Delivered - tally.Distinct}, rebalances (generations) {group.GenerationId - generation}, killed at {killedAt.TotalSeconds:F1} s, all seen at {elapsed.TotalSeconds:F1} s");

            Assert.Equal(Records, tally.Distinct);
            Assert.True(group.GenerationId > generation, "no rebalance followed the kill");
            Assert.Equal(["a", "b"], group.Members.Select(m => m.ClientId).Order());
        }
        finally
        {
            cluster.Handler = null;
            foreach (var member in members)
            {
                await member.DisposeAsync().AsTask().WaitAsync(Deadline, Token);
            }
        }
    }

    private static KafkaConsumer<string?, string?> Consumer(string bootstrap, string clientId) => new(
        new ConsumerOptions
        {
            Client = KafkaClientOptions.FromBootstrap(bootstrap) with { ClientId = clientId, RetryBackoff = TimeSpan.FromMilliseconds(50), RequestTimeout = TimeSpan.FromSeconds(5) },
            GroupId = "g",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeout = TimeSpan.FromSeconds(6),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            EnableAutoCommit = true,
            AutoCommitInterval = TimeSpan.FromMilliseconds(500),
            FetchMaxWait = TimeSpan.FromMilliseconds(100),
            PrefetchMaxBytes = 64 * 1024,
            FetchMaxBytes = 32 * 1024,
            MaxPartitionFetchBytes = 8 * 1024,
        },
        Deserializers.Utf8,
        Deserializers.Utf8);

    // 200,000 records "v{offset}" straight to the leaders in batches of 5,000, over the in-memory transport.
    private static async Task AppendAll(ScriptedCluster cluster)
    {
        for (var p = 0; p < Partitions; p++)
        {
            var count = (Records / Partitions) + (p < Records % Partitions ? 1 : 0);
            var leader = cluster.Partitions(Topic)[p].LeaderId;
            await using var connection = await KafkaConnection.ConnectAsync(cluster.Endpoint(leader), cluster, new ConnectionOptions { Scheduler = DefaultScheduler.Instance });
            for (var first = 0; first < count; first += 5_000)
            {
                using var builder = new RecordBatchBuilder();
                for (var i = first; i < Math.Min(first + 5_000, count); i++)
                {
                    builder.Append(i, null, Encoding.UTF8.GetBytes($"v{i}"));
                }

                var request = new ProduceRequest { Acks = -1, TimeoutMs = 1000, TopicData = [new() { Name = Topic, PartitionData = [new() { Index = p, Records = builder.Build(CompressionType.None).ToArray() }] }] };
                var answer = await connection.SendAsync(request).WaitAsync(Deadline, Token);
                Assert.Equal(0, answer.Responses[0].PartitionResponses[0].ErrorCode);
            }
        }
    }

    /// <summary>One member reading through one face on its own threads; killed, it counts nothing more.</summary>
    private sealed class Member : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private IDisposable? _subscription;
        private Task _reading = Task.CompletedTask;
        private readonly Tally _tally;
        private volatile bool _killed;

        public Member(KafkaConsumer<string?, string?> consumer, string clientId, Tally tally, Settled settled)
        {
            Consumer = consumer;
            ClientId = clientId;
            _tally = tally;
            consumer.Rebalances.Subscribe(e => settled.On(clientId, e));
            consumer.Subscribe([Topic]);
        }

        public KafkaConsumer<string?, string?> Consumer { get; }

        public string ClientId { get; }

        /// <summary>Starts reading through <paramref name="face"/>: the IAsyncEnumerable, the observable, or per partition.</summary>
        public void Read(string face)
        {
            switch (face)
            {
                case "async":
                    _reading = Task.Run(ReadAsync);
                    break;
                case "observable":
                    _subscription = Consumer.Consume().Subscribe(Take, _tally.Fail);
                    break;
                default:
                    _subscription = Consumer.ConsumePartitions().Subscribe(partition => partition.Subscribe(Take, _tally.Fail), _tally.Fail);
                    break;
            }
        }

        public void Kill()
        {
            _killed = true;
            _stop.Cancel();
            _subscription?.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            Kill();
            await _reading.ConfigureAwait(false);
            await Consumer.DisposeAsync();
        }

        private void Take(ConsumeResult<string?, string?> record)
        {
            if (!_killed)
            {
                _tally.Add(record);
            }
        }

        private async Task ReadAsync()
        {
            try
            {
                await foreach (var record in Consumer.ConsumeAsync(_stop.Token))
                {
                    Take(record);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                _tally.Fail(e);
            }
        }
    }

    /// <summary>Completes when every member holds partitions and together they hold all six, by their rebalance events.</summary>
    private sealed class Settled(int members) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, HashSet<TopicPartition>> _owned = [];

        public void On(string member, RebalanceEvent change)
        {
            lock (_gate)
            {
                var owned = _owned.TryGetValue(member, out var set) ? set : _owned[member] = [];
                if (change is PartitionsAssigned)
                {
                    owned.UnionWith(change.Partitions);
                }
                else
                {
                    owned.ExceptWith(change.Partitions);
                }

                if (_owned.Count == members && _owned.Values.All(o => o.Count > 0) && _owned.Values.Sum(o => o.Count) == Partitions)
                {
                    TrySetResult();
                }
            }
        }
    }

    /// <summary>Every delivery and the distinct records, from any thread.</summary>
    private sealed class Tally
    {
        private readonly Lock _gate = new();
        private readonly HashSet<(int Partition, long Offset)> _seen = [];
        private readonly TaskCompletionSource _allSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

        public int Delivered { get; private set; }

        public int Distinct
        {
            get
            {
                lock (_gate)
                {
                    return _seen.Count;
                }
            }
        }

        public Task AllSeen => _allSeen.Task;

        public Task Reached(int count)
        {
            lock (_gate)
            {
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                Check();
                return reached.Task;
            }
        }

        public void Add(ConsumeResult<string?, string?> record)
        {
            lock (_gate)
            {
                if (record.Value != $"v{record.Offset}")
                {
                    _allSeen.TrySetException(new InvalidOperationException($"{record} carries '{record.Value}'"));
                }

                Delivered++;
                _seen.Add((record.Partition, record.Offset));
                Check();
            }
        }

        public void Fail(Exception error) => _allSeen.TrySetException(error);

        private void Check()
        {
            _waiters.RemoveAll(w => Delivered >= w.Count && w.Reached.TrySetResult());
            if (_seen.Count == Records)
            {
                _allSeen.TrySetResult();
            }
        }
    }
}
