using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer;

/// <summary>
/// Where delivery callbacks run, with real threads against the in-memory cluster on the thread pool:
/// never on a read loop or a sink, so a callback that blocks holds up only its own partition's later
/// callbacks, and one that throws loses nobody else's outcome.
/// </summary>
public sealed class ProducerCallbackThreadTests : IAsyncDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);
    private readonly ScriptedCluster _cluster = new(DefaultScheduler.Instance, brokers: 1);
    private readonly KafkaProducer<string?, string?> _producer;

    public ProducerCallbackThreadTests()
    {
        // One broker: every partition is drained by the same sink, on the same connection.
        _cluster.CreateTopic("events", partitions: 3, replicationFactor: 1);
        _producer = new KafkaProducer<string?, string?>(
            new ProducerOptions
            {
                Client = new KafkaClientOptions
                {
                    BootstrapServers = BootstrapServers.Parse(_cluster.BootstrapServers),
                    TransportFactory = _cluster,
                    Scheduler = DefaultScheduler.Instance,
                },
                Linger = TimeSpan.Zero,
            },
            Serializers.Utf8,
            Serializers.Utf8);
    }

    [Fact]
    public async Task A_callback_that_blocks_holds_up_only_its_partition_while_the_others_on_the_same_broker_keep_flowing()
    {
        // Metadata first, so the blocking record is not waiting in line when the others are sent.
        await _producer.ProduceAsync(new ProducerRecord<string?, string?>("events", null, "warm-up") { Partition = 0 }, TestContext.Current.CancellationToken).WaitAsync(Budget, TestContext.Current.CancellationToken);
        using var release = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new ConcurrentQueue<string>();
        _producer.Send(new ProducerRecord<string?, string?>("events", null, "p0-first") { Partition = 0 }, report =>
        {
            blocked.TrySetResult();
            // Held until the test has seen the other partitions' records delivered (or the budget runs out).
            release.Wait(Budget, TestContext.Current.CancellationToken);
            order.Enqueue(report.Record.Value!);
        });
        await blocked.Task.WaitAsync(Budget, TestContext.Current.CancellationToken);

        var others = Enumerable.Range(0, 200).Select(i => _producer.ProduceAsync(new ProducerRecord<string?, string?>("events", null, $"other-{i}") { Partition = 1 + (i % 2) }, TestContext.Current.CancellationToken)).ToArray();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _producer.Send(new ProducerRecord<string?, string?>("events", null, "p0-second") { Partition = 0 }, report =>
        {
            order.Enqueue(report.Record.Value!);
            second.TrySetResult();
        });

        await Task.WhenAll(others).WaitAsync(Budget, TestContext.Current.CancellationToken);
        Assert.False(release.IsSet);
        Assert.Empty(order);
        release.Set();
        await second.Task.WaitAsync(Budget, TestContext.Current.CancellationToken);

        Assert.Equal(["p0-first", "p0-second"], order);
        Assert.Equal(200, _cluster.Log("events", 1).Count + _cluster.Log("events", 2).Count);
    }

    [Fact]
    public async Task A_callback_that_throws_loses_no_other_records_outcome_and_flush_completes()
    {
        var heard = new ConcurrentBag<string>();
        for (var i = 0; i < 50; i++)
        {
            var value = $"r{i}";
            _producer.Send(new ProducerRecord<string?, string?>("events", null, value) { Partition = 0 }, report =>
            {
                heard.Add(report.Record.Value!);
                if (report.Record.Value == "r10")
                {
                    throw new InvalidOperationException("the handler failed");
                }
            });
        }

        await _producer.FlushAsync(TestContext.Current.CancellationToken).WaitAsync(Budget, TestContext.Current.CancellationToken);

        Assert.Equal(50, heard.Count);
        Assert.Equal(50, _cluster.Log("events", 0).Count);
    }

    public async ValueTask DisposeAsync() => await _producer.DisposeAsync();
}
