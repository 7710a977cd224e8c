#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Consumer;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// Group members of one six-partition topic "t" on the in-memory cluster in virtual time, for either group
/// protocol: each member records its rebalance events, and <see cref="ReadAll"/> reads from all of them at once.
/// </summary>
public abstract class ConsumerGroupTestBed : ConsumerTestBed
{
    protected ConsumerGroupTestBed()
        : base(partitions: 6)
    {
    }

    protected Participant Member(ConsumerOptions options, Action<KafkaConsumer<string?, string?>>? subscribe = null)
    {
        var consumer = Consumer(options);
        var participant = new Participant(consumer);
        consumer.Rebalances.Subscribe(participant.Events.Add);
        (subscribe ?? (c => c.Subscribe(["t"])))(consumer);
        return participant;
    }

    protected void Dispose(Participant participant)
    {
        var task = participant.Consumer.DisposeAsync().AsTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(5)));
    }

    protected List<ConsumeResult<string?, string?>> ReadAll(Participant[] members, int total)
    {
        var read = new List<ConsumeResult<string?, string?>>();
        using var done = new CancellationTokenSource();
        var tasks = members.Select(m => Collect(m.Consumer, read, total, done)).ToArray();
        Assert.True(Scheduler.AdvanceUntil(() => read.Count >= total, Scheduler.Clock + TimeSpan.FromSeconds(30).Ticks), $"read {read.Count} of {total}:\n{string.Join("\n", members.Select(m => m.Consumer.Describe()))}");
        done.Cancel();
        Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));

        // Cancelled waits finish on the thread pool: the enumerations must have ended (and let go of their
        // consumers) before the test reads again.
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(10)), "an enumeration did not end when cancelled");
        return read;
    }

    private static async Task Collect(KafkaConsumer<string?, string?> consumer, List<ConsumeResult<string?, string?>> into, int total, CancellationTokenSource done)
    {
        try
        {
            await foreach (var record in consumer.ConsumeAsync(done.Token))
            {
                into.Add(record);
                if (into.Count >= total)
                {
                    await done.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected sealed record Participant(KafkaConsumer<string?, string?> Consumer)
    {
        public List<RebalanceEvent> Events { get; } = [];
    }
}
