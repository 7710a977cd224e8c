using System.Text;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Producer;
using RxKafka.Producer.Engine;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Producer;

/// <summary>
/// What the engine tests share: a ScriptedCluster of three brokers with topic "orders" in virtual time,
/// the producer's accumulator and sender put together over a client as the producer does, and the
/// Produce requests the brokers saw.
/// </summary>
public abstract class ProducerEngineTestBed : ReactiveTest, IAsyncDisposable
{
    protected static readonly TopicPartition Orders0 = new("orders", 0);
    private readonly List<Engine> _engines = new();

    protected ProducerEngineTestBed(int partitions)
    {
        Cluster = new ScriptedCluster(Scheduler, brokers: 3);
        Cluster.CreateTopic("orders", partitions, replicationFactor: 3);
    }

    protected TestScheduler Scheduler { get; } = new();

    protected ScriptedCluster Cluster { get; }

    protected ProducerOptions Options => new()
    {
        Client = new KafkaClientOptions
        {
            BootstrapServers = RxKafka.BootstrapServers.Parse(Cluster.BootstrapServers),
            TransportFactory = Cluster,
            Scheduler = Scheduler,
            BackoffJitter = 0,
            Random = new Random(3),
            RetryBackoff = TimeSpan.FromMilliseconds(100),
            RetryBackoffMax = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.FromSeconds(10),
        },
        Linger = TimeSpan.FromMilliseconds(5),
        DeliveryTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Every Produce request the brokers received: when (virtual time since 0), which broker, what.</summary>
    protected List<(TimeSpan At, int NodeId, ProduceRequest Request)> ProduceRequests =>
        Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.Produce).Select(r => (Since0(r.Request.ReceivedAt), r.NodeId, (ProduceRequest)r.Request.Request)).ToList();

    protected static TimeSpan Since0(DateTimeOffset time) => time - DateTimeOffset.MinValue;

    /// <summary>An engine over a bootstrapped client.</summary>
    private protected Engine Start(ProducerOptions? options = null)
    {
        var engine = new Engine(options ?? Options, Scheduler);
        _engines.Add(engine);
        var bootstrap = engine.Client.BootstrapAsync();
        Assert.True(Scheduler.AdvanceUntilCompleted(bootstrap, TimeSpan.FromSeconds(1)));
        return engine;
    }

    /// <summary>One record through, so the producer id and the Produce connection exist before timing starts.</summary>
    private protected void WarmUp(Engine engine, TopicPartition? partition = null)
    {
        engine.Produce(partition ?? Orders0, "warm-up");
        Scheduler.AdvanceUntil(() => engine.Deliveries.Count > 0, Scheduler.Clock + TimeSpan.FromSeconds(5).Ticks);
        Assert.Null(Assert.Single(engine.Deliveries).Error);
        engine.Deliveries.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The accumulator and sender over a client, as the producer puts them together.</summary>
    private protected sealed class Engine : IAsyncDisposable
    {
        private readonly TestScheduler _scheduler;

        public Engine(ProducerOptions options, TestScheduler scheduler)
        {
            _scheduler = scheduler;
            Client = new KafkaClient(options.Client);
            Accumulator = new RecordAccumulator(options, scheduler, (tp, lingered) => Sender!.OnReady(tp, lingered), (batch, error) => Sender!.FailQueued(batch, error));
            Sender = new ProducerSender(Client, options, Accumulator, (batch, _) => batch.Dispose(), logger: null);
        }

        public KafkaClient Client { get; }

        public RecordAccumulator Accumulator { get; }

        public ProducerSender Sender { get; }

        public List<(TopicPartition Partition, long Offset, Exception? Error, TimeSpan At, string Value)> Deliveries { get; } = new();

        public void Produce(TopicPartition partition, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Accumulator.Append(partition, 0, default, true, bytes, false, default, new Callback(this, value), ProducerBatch.EstimateSize(0, bytes.Length, default));
        }

        public async ValueTask DisposeAsync()
        {
            await Sender.DisposeAsync();
            Accumulator.Dispose();
            await Client.DisposeAsync();
        }

        private sealed class Callback(Engine engine, string value) : IDeliveryCallback
        {
            public void OnDelivery(TopicPartition partition, long offset, long timestamp, Exception? error) =>
                engine.Deliveries.Add((partition, offset, error, engine._scheduler.Elapsed(), value));
        }
    }
}
