using System.Reactive.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Benchmarks;

/// <summary>
/// A virtual day of the metadata synchronizer under a TestScheduler: a 5-minute max age gives 288
/// periodic updates; after each periodic update 3 or 4 forced ones follow back to back, 1,000 in
/// all. Every update is a real Metadata round trip through a KafkaConnection to a ScriptedCluster
/// (3 brokers, 20 topics × 6 partitions) in memory, applied to the cluster view with its change
/// stream observed. The figure is the cost of a day of client-side metadata work, minus the network.
/// </summary>
[MemoryDiagnoser]
public class SynchronizerBenchmarks
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Benchmark(Description = "virtual day: 288 periodic + 1,000 forced updates")]
    public (int Periodic, int Forced) VirtualDay()
    {
        var scheduler = new TestScheduler();
        var cluster = new ScriptedCluster(scheduler, brokers: 3);
        for (var t = 0; t < 20; t++)
        {
            cluster.CreateTopic($"topic-{t:00}", partitions: 6, replicationFactor: 3);
        }

        var client = new KafkaClient(new KafkaClientOptions
        {
            BootstrapServers = BootstrapServers.Parse(cluster.BootstrapServers),
            TransportFactory = cluster,
            Scheduler = scheduler,
            BackoffJitter = 0,
            Random = new Random(1),
            MetadataMaxAge = TimeSpan.FromMinutes(5),
            ConnectionsMaxIdle = Timeout.InfiniteTimeSpan,
        });
        int periodic = 0, forced = 0, changes = 0, forcedLeft = 1000, windows = 288;
        using var watch = client.Cluster.Changes.Subscribe(_ => changes++);
        using var updates = client.Cluster.Updates.Where(u => u.Succeeded).Subscribe(u =>
        {
            if (u.Reason == MetadataUpdateReason.Forced)
            {
                forced++;
                return;
            }

            if (u.Reason != MetadataUpdateReason.MaxAge)
            {
                return;
            }

            periodic++;
            // Spread the forced updates over the periodic windows: 3 or 4 after each, one after another.
            var burst = windows == 0 ? 0 : (forcedLeft + windows - 1) / windows;
            windows--;
            forcedLeft -= burst;
            ForceInTurn(client, burst);
        });
        _ = client.BootstrapAsync();
        scheduler.AdvanceTo(Day + TimeSpan.FromSeconds(30));
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (periodic != 288 || forced != 1000)
        {
            throw new InvalidOperationException($"the day had {periodic} periodic and {forced} forced updates, not 288 and 1,000");
        }

        return (periodic, forced);
    }

    private static void ForceInTurn(KafkaClient client, int count)
    {
        if (count > 0)
        {
            client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { }, () => ForceInTurn(client, count - 1));
        }
    }
}
