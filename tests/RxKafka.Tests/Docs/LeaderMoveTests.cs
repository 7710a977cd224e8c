// The complete example of "Testing code that uses KafkaClient" in docs/testing-in-virtual-time.md,
// run as a test; DocSnippetTests checks that the document still holds it line for line.

// doc copy: testing-in-virtual-time.md
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxKafka;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Testing;
using RxKafka.Testing.Network;
// end of doc copy

namespace RxKafka.Tests.Docs;

// doc copy: testing-in-virtual-time.md
public sealed class LeaderMoveTests : ReactiveTest
{
    [Fact]
    public async Task A_leader_move_is_seen_at_the_next_periodic_update()
    {
        var scheduler = new TestScheduler();
        var cluster = new ScriptedCluster(scheduler);              // brokers 1-3 at broker-{id}:9092
        cluster.CreateTopic("orders", partitions: 3);              // orders-0: replicas [1,2,3], leader 1
        await using var client = new KafkaClient(new KafkaClientOptions
        {
            BootstrapServers = BootstrapServers.Parse(cluster.BootstrapServers),
            TransportFactory = cluster,                            // connections go to the scripted brokers
            Scheduler = scheduler,                                 // every timer runs in virtual time
            BackoffJitter = 0,                                     // exact retry and reconnect delays
            MetadataMaxAge = TimeSpan.FromMinutes(5),              // metadata.max.age.ms
        });
        var moves = scheduler.CreateObserver<LeaderChanged>();
        using var subscription = client.Cluster.Changes.OfType<LeaderChanged>().Subscribe(moves);

        var bootstrap = client.BootstrapAsync(TestContext.Current.CancellationToken); // the first update starts at tick 0
        Assert.True(scheduler.AdvanceUntilCompleted(bootstrap, TimeSpan.FromSeconds(1)));
        cluster.SetPartitionLeader("orders", 0, leaderId: 2);      // an election: leader epoch 0 -> 1
        scheduler.AdvanceTo(TimeSpan.FromMinutes(6));

        // The periodic update asks at 5:00 exactly; its answer is applied one tick later.
        moves.Messages.AssertEqual(
            OnNext(TimeSpan.FromMinutes(5).Ticks + 1, new LeaderChanged("orders", 0, PreviousLeader: 1, Leader: 2, PreviousLeaderEpoch: 0, LeaderEpoch: 1)));
        Assert.Equal(2, client.Snapshot.GetLeader("orders", 0));
    }
}
// end of doc copy
