#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Consumer;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>Out-of-order acknowledgements (R9): contiguous-prefix commits, bounded, and acks of an ended assignment dropped.</summary>
public sealed class ConsumerAcknowledgeTests : ConsumerTestBed
{
    private ConsumerOptions Acking => Options with { GroupId = "g", EnableAutoOffsetStore = false, EnableAutoCommit = false };

    [Fact]
    public void R9_out_of_order_acknowledgements_commit_only_the_contiguous_prefix()
    {
        Produce(T0, 10);
        var consumer = Consumer(Acking);
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var read = Read(consumer, 10);

        foreach (var offset in new[] { 0, 1, 3, 4, 6 })
        {
            Assert.True(consumer.Acknowledge(read[offset]));
        }

        Commit(consumer);
        Assert.Equal(2, Cluster.CommittedOffset("g", "t", 0)?.Offset);

        Assert.True(consumer.Acknowledge(read[2]));
        Commit(consumer);
        Assert.Equal(5, Cluster.CommittedOffset("g", "t", 0)?.Offset);

        Assert.False(consumer.Acknowledge(read[2]), "a second acknowledgement of the same record counts once");
        foreach (var offset in new[] { 9, 8, 7, 5 })
        {
            Assert.True(consumer.Acknowledge(read[offset]));
        }

        Commit(consumer);
        Assert.Equal(10, Cluster.CommittedOffset("g", "t", 0)?.Offset);
    }

    [Fact]
    public void R9_an_acknowledgement_of_a_record_from_an_ended_assignment_is_dropped_not_committed()
    {
        Produce(T0, 5);
        var consumer = Consumer(Acking);
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var read = Read(consumer, 5);
        consumer.Unassign();
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var again = Read(consumer, 2);

        Assert.False(consumer.Acknowledge(read[0]));
        Assert.False(consumer.Acknowledge(read[1]));
        Assert.True(consumer.Acknowledge(again[0]));
        Commit(consumer);
        Assert.Equal(1, Cluster.CommittedOffset("g", "t", 0)?.Offset);
    }

    [Fact]
    public void R9_delivery_waits_at_the_bound_of_unacknowledged_records_and_goes_on_as_they_are_acknowledged()
    {
        Produce(T0, 20);
        var consumer = Consumer(Acking with { MaxPendingAcknowledgements = 8 });
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);
        var seen = new List<ConsumeResult<string?, string?>>();
        var acknowledging = false;
        using var subscription = consumer.Consume().Subscribe(record =>
        {
            seen.Add(record);
            if (acknowledging)
            {
                Assert.True(consumer.Acknowledge(record));
            }
        });
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        var held = seen.Count;
        Assert.Equal(8, held);

        // From now on every record is acknowledged as it comes; the ones held at the bound first.
        acknowledging = true;
        foreach (var record in seen.ToList())
        {
            Assert.True(consumer.Acknowledge(record));
        }

        Scheduler.AdvanceUntil(() => seen.Count == 20, Scheduler.Clock + TimeSpan.FromSeconds(5).Ticks);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), seen.Select(r => r.Offset));
    }

    private void Commit(KafkaConsumer<string?, string?> consumer)
    {
        var commit = consumer.CommitAsync();
        Assert.True(Scheduler.AdvanceUntilCompleted(commit, TimeSpan.FromSeconds(5)));
        Assert.True(commit.IsCompletedSuccessfully, commit.Exception?.ToString());
    }
}
