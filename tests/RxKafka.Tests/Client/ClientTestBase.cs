// Virtual time: tasks are completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks.
#pragma warning disable xUnit1031, xUnit1051

using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Client;

/// <summary>A KafkaClient over a <see cref="ScriptedCluster"/> of three brokers, all in virtual time.</summary>
public abstract class ClientTestBase : ReactiveTest, IAsyncDisposable
{
    private readonly List<KafkaClient> _clients = new();

    protected ClientTestBase()
    {
        Scheduler = new TestScheduler();
        Cluster = new ScriptedCluster(Scheduler, brokers: 3);
        Cluster.CreateTopic("orders", partitions: 6, replicationFactor: 3);
    }

    protected TestScheduler Scheduler { get; }

    protected ScriptedCluster Cluster { get; }

    /// <summary>Options with exact schedules: no jitter, a seeded broker choice.</summary>
    protected KafkaClientOptions Options => new()
    {
        BootstrapServers = BootstrapServers.Parse(Cluster.BootstrapServers),
        TransportFactory = Cluster,
        Scheduler = Scheduler,
        BackoffJitter = 0,
        Random = new Random(7),
    };

    /// <summary>Virtual time since tick 0.</summary>
    protected TimeSpan Now => Scheduler.Elapsed();

    /// <summary>When each Metadata request reached a broker, since tick 0.</summary>
    protected IReadOnlyList<TimeSpan> MetadataTimes => Cluster.MetadataRequests.Select(r => Since0(r.Request.ReceivedAt)).ToList();

    protected static TimeSpan Since0(DateTimeOffset time) => time - DateTimeOffset.MinValue;

    protected KafkaClient NewClient(KafkaClientOptions? options = null)
    {
        var client = new KafkaClient(options ?? Options);
        _clients.Add(client);
        return client;
    }

    /// <summary>A client that has bootstrapped (its first Metadata answer applied).</summary>
    protected KafkaClient Bootstrapped(KafkaClientOptions? options = null)
    {
        var client = NewClient(options);
        Complete(client.BootstrapAsync(), TimeSpan.FromSeconds(1));
        return client;
    }

    /// <summary>Advances virtual time until <paramref name="task"/> is done (at most <paramref name="budget"/>) and returns its result.</summary>
    protected T Complete<T>(Task<T> task, TimeSpan budget)
    {
        Assert.True(Scheduler.AdvanceUntilCompleted(task, budget), $"the task did not complete within {budget} of virtual time");
        Assert.True(task.IsCompletedSuccessfully, $"the task failed: {task.Exception?.InnerException}");
        return task.Result;
    }

    /// <summary>Advances virtual time until <paramref name="task"/> fails (at most <paramref name="budget"/>) and returns the exception.</summary>
    protected TException Fails<TException>(Task task, TimeSpan budget)
        where TException : Exception
    {
        Assert.True(Scheduler.AdvanceUntilCompleted(task, budget), $"the task did not complete within {budget} of virtual time");
        Assert.True(task.IsFaulted, $"the task did not fail: {task.Status}");
        return Assert.IsType<TException>(task.Exception!.InnerException, exactMatch: false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
