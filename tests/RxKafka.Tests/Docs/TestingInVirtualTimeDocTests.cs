// Virtual time: each task is completed by advancing the TestScheduler before .Result is read, so
// nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Docs;

/// <summary>The examples in docs/testing-in-virtual-time.md, kept identical so the document stays true.</summary>
public sealed class TestingInVirtualTimeDocTests : ReactiveTest
{
    [Fact]
    public void Throttle_emits_after_a_quiet_period()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(
            OnNext(210, 1), OnNext(220, 2), OnNext(400, 3), OnCompleted<int>(500));

        // Created at 100, subscribed at 200, disposed at 1000 (the usual defaults).
        var results = scheduler.Start(() => source.Throttle(TimeSpan.FromTicks(50), scheduler));

        results.Messages.AssertEqual(OnNext(270, 2), OnNext(450, 3), OnCompleted<int>(500));
        source.Subscriptions.AssertEqual(Subscribe(200, 500));
    }

    [Fact]
    public void A_scripted_cluster_moves_a_leader_and_takes_a_broker_down()
    {
        var scheduler = new TestScheduler();
        // The document's example, indented as it is there.
var cluster = new ScriptedCluster(scheduler);             // brokers 1-3 at broker-{id}:9092
cluster.CreateTopic("orders", partitions: 3);             // replicas round-robin, leader epoch 0
var options = new KafkaClientOptions { TransportFactory = cluster, Scheduler = scheduler };
var connect = KafkaClient.ConnectToBrokerAsync(cluster.Endpoint(1), options);
scheduler.AdvanceUntilCompleted(connect, TimeSpan.FromSeconds(1));

cluster.SetPartitionLeader("orders", 0, leaderId: 2);     // an election: leader epoch 1
var metadata = connect.Result.SendAsync(new MetadataRequest { Topics = [new() { Name = "orders" }] });
scheduler.AdvanceBy(1);                                    // answers come one tick later
Assert.Equal((2, 1), (metadata.Result.Topics[0].Partitions[0].LeaderId, metadata.Result.Topics[0].Partitions[0].LeaderEpoch));

cluster.SetBrokerDown(2);                                  // its connections break now, new ones are refused
        Assert.False(cluster.IsBrokerUp(2));
    }

    [Fact]
    public void A_scripted_cluster_answers_a_retried_idempotent_batch_with_the_original_offset()
    {
        var scheduler = new TestScheduler();
        // The document's example, indented as it is there.
var cluster = new ScriptedCluster(scheduler);
cluster.CreateTopic("orders", partitions: 1);             // leader: broker 1
var connect = KafkaClient.ConnectToBrokerAsync(cluster.Endpoint(1), new KafkaClientOptions { TransportFactory = cluster, Scheduler = scheduler });
scheduler.AdvanceUntilCompleted(connect, TimeSpan.FromSeconds(1));
using var batch = new RecordBatchBuilder { ProducerId = 1000, ProducerEpoch = 0, BaseSequence = 0 };
batch.Append(1_700_000_000_000, Encoding.UTF8.GetBytes("key"), Encoding.UTF8.GetBytes("value"));
var produce = new ProduceRequest { Acks = -1, TopicData = [new() { Name = "orders", PartitionData = [new() { Index = 0, Records = batch.Build() }] }] };

var first = connect.Result.SendAsync(produce);
scheduler.AdvanceBy(1);
var retry = connect.Result.SendAsync(produce);            // the same batch again, as after a lost answer
scheduler.AdvanceBy(1);
Assert.Equal(0L, retry.Result.Responses[0].PartitionResponses[0].BaseOffset); // the original's offset, no error
Assert.Equal("value", Assert.Single(cluster.Log("orders", 0)).ValueString);
        Assert.Equal(0L, first.Result.Responses[0].PartitionResponses[0].BaseOffset);
    }

    [Theory]
    [InlineData("        var scheduler = new TestScheduler();", "Subscribe(200, 500));")]
    [InlineData("var cluster = new ScriptedCluster(scheduler);             // brokers", "cluster.SetBrokerDown(2);")]
    [InlineData("var cluster = new ScriptedCluster(scheduler);\n", "Assert.Single(cluster.Log(\"orders\", 0)).ValueString);")]
    public void The_document_holds_the_same_examples(string first, string last)
    {
        var doc = File.ReadAllText(Path.Combine(RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory), "docs", "testing-in-virtual-time.md"));
        var source = File.ReadAllText(Path.Combine(RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory), "tests", "RxKafka.Tests", "Docs", "TestingInVirtualTimeDocTests.cs"));
        string Body(string text)
        {
            var start = text.IndexOf(first, StringComparison.Ordinal);
            var end = text.IndexOf(last, start, StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, $"'{first}' ... '{last}' not found");
            return text[start..end];
        }

        Assert.Equal(Body(source), Body(doc));
    }
}
