// The producer example of "Testing code that produces" in docs/testing-in-virtual-time.md, run as a
// test; DocSnippetTests checks that the document still holds it line for line.

// doc copy: testing-in-virtual-time.md
using Microsoft.Reactive.Testing;
using RxKafka;
using RxKafka.Client;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Testing;
using RxKafka.Testing.Network;
// end of doc copy

namespace RxKafka.Tests.Docs;

// doc copy: testing-in-virtual-time.md
public sealed class ProducerInVirtualTimeTests : ReactiveTest
{
    [Fact]
    public async Task Records_linger_then_go_out_in_one_batch_acknowledged_a_tick_after_it_arrives()
    {
        var scheduler = new TestScheduler();
        var cluster = new ScriptedCluster(scheduler);
        cluster.CreateTopic("orders", partitions: 3);
        await using var producer = new KafkaProducer<string, string>(
            new ProducerOptions
            {
                Client = new KafkaClientOptions
                {
                    BootstrapServers = BootstrapServers.Parse(cluster.BootstrapServers),
                    TransportFactory = cluster,
                    Scheduler = scheduler,
                    BackoffJitter = 0,
                },
                Linger = TimeSpan.FromMilliseconds(5),             // linger.ms
            },
            Serializers.Utf8,
            Serializers.Utf8);
        var reports = scheduler.CreateObserver<long>();

        foreach (var key in new[] { "a", "b", "c" })
        {
            producer.Send(
                new ProducerRecord<string, string>("orders", key, "created") { Partition = 0 },
                report => reports.OnNext(report.Metadata.Offset));
        }

        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10));

        var linger = TimeSpan.FromMilliseconds(5).Ticks;
        reports.Messages.AssertEqual(OnNext(linger + 3, 0L), OnNext(linger + 3, 1L), OnNext(linger + 3, 2L));
        var batch = Assert.Single(cluster.Batches("orders", 0));
        Assert.Equal(3, batch.Records.Count);
        Assert.Equal(linger + 2, batch.AppendedAt.UtcTicks);              // tick 0 is DateTimeOffset.MinValue
    }
}
// end of doc copy
