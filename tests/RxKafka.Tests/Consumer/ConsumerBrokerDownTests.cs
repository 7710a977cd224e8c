#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Concurrency;

namespace RxKafka.Tests.Consumer;

/// <summary>A consumer whose partition leader goes down and comes back, in virtual time (R4).</summary>
public sealed class ConsumerBrokerDownTests : ConsumerTestBed
{
    [Fact]
    public void R4_a_fetch_sink_whose_broker_refuses_connections_waits_out_the_backoff_instead_of_retrying_at_once()
    {
        // t-1 is led by broker 2. Read to the end: a Fetch is in flight there, waiting for data.
        Produce(T1, 10);
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset(T1, 0)]);
        Assert.Equal(10, Read(consumer, 10).Count);

        // The fetch fails with the connection and the sink connects again; a down broker (and then its reconnect
        // backoff) refuses at once. The sink used to try again at once, so the broker going down never returned:
        // it ran on this thread, and no time passed to end the backoff. Run it aside to fail rather than hang.
        var down = Task.Run(() => Cluster.SetBrokerDown(2));
        Assert.True(down.Wait(TimeSpan.FromSeconds(30)), "SetBrokerDown did not return: the fetch sink of broker 2 kept reconnecting without time passing");
        Scheduler.Schedule(TimeSpan.FromSeconds(5), () => Cluster.SetBrokerUp(2));

        // Back up: the sink connects again after its backoff and reads what was written since.
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Produce(T1, 5, first: 10);
        Assert.Equal(Enumerable.Range(10, 5), Read(consumer, 5, TimeSpan.FromSeconds(30)).Select(r => (int)r.Offset));
    }
}
