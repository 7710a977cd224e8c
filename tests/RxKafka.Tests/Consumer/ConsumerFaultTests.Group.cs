#pragma warning disable xUnit1031

using RxKafka.Consumer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Consumer;

// The machinery of the fault runs: members of group "g" read on the test thread (each member's pending
// MoveNextAsync is polled, never awaited), so virtual time moves only when every live member waits for the
// cluster, and a record counts as processed the moment the consumer hands it over, as auto-commit sees it.
public sealed partial class ConsumerFaultTests
{
    private const int Partitions = 6;
    private const int ReadPerStep = 1_000;
    private static readonly TimeSpan StepTime = TimeSpan.FromMilliseconds(100);

    private ConsumerOptions GroupOptions(string clientId) => Options with
    {
        Client = ClientOptions with { ClientId = clientId },
        GroupId = "g",
        PartitionAssignmentStrategy = "range",
        SessionTimeout = TimeSpan.FromSeconds(10),
        HeartbeatInterval = TimeSpan.FromSeconds(3),
        EnableAutoCommit = true,
        AutoCommitInterval = TimeSpan.FromSeconds(1),

        // A small prefetch, so most records are still on the brokers when the fault comes.
        PrefetchMaxBytes = 64 * 1024,
        FetchMaxBytes = 32 * 1024,
        MaxPartitionFetchBytes = 8 * 1024,
    };

    /// <summary>Writes <paramref name="total"/> records spread over the 6 partitions in batches of 5,000; returns how many each got.</summary>
    private int[] AppendAll(int total)
    {
        var counts = Enumerable.Range(0, Partitions).Select(p => (total / Partitions) + (p < total % Partitions ? 1 : 0)).ToArray();
        for (var p = 0; p < Partitions; p++)
        {
            for (var first = 0; first < counts[p]; first += 5_000)
            {
                Append(new TopicPartition("t", p), first, Math.Min(5_000, counts[p] - first));
            }
        }

        return counts;
    }

    private Member Join(string clientId)
    {
        var member = new Member(Consumer(GroupOptions(clientId)), clientId, Scheduler.Elapsed);
        member.Consumer.Subscribe(["t"]);
        return member;
    }

    /// <summary>
    /// Reads with every live member until every record written (<paramref name="counts"/> per partition) was seen, running <paramref name="fault"/> once when <paramref name="faultAt"/> records were delivered.
    /// </summary>
    private Tally Drive(Member[] members, int[] counts, int faultAt, Action fault, TimeSpan budget)
    {
        var start = Scheduler.Elapsed();
        var limit = Scheduler.Clock + budget.Ticks;
        var tally = new Tally(counts);
        var faulted = false;
        while (!tally.Complete)
        {
            var progress = members.Sum(m => m.Pump(tally, ReadPerStep));
            if (!faulted && tally.Delivered >= faultAt)
            {
                faulted = true;
                fault();
            }

            if (progress > 0)
            {
                // A reader that takes time: 1,000 records per 100 ms each, so the stream spans seconds of
                // virtual time and auto-commit, heartbeats and the fault interleave with it.
                Scheduler.AdvanceBy(StepTime);
            }
            else if (!Scheduler.AdvanceUntil(() => members.Any(m => m.Ready), limit))
            {
                Assert.Fail($"{tally} within {budget}:\n{string.Join("\n", members.Select(m => m.Consumer.Describe()))}");
            }
        }

        Assert.True(faulted, $"the fault never ran: {tally}");
        tally.Elapsed = Scheduler.Elapsed() - start;
        return tally;
    }

    /// <summary>
    /// Lets auto-commit run for what every live member processed until the group's commits reach the ends of
    /// the partitions (up to 30 s of virtual time), and returns them.
    /// </summary>
    private long[] CommitsAtTheEnd(int[] counts)
    {
        long[] Read() => Enumerable.Range(0, Partitions).Select(p => Cluster.CommittedOffset("g", "t", p)?.Offset ?? -1).ToArray();
        var start = Scheduler.Elapsed();
        bool Done() => Read().SequenceEqual(counts.Select(c => (long)c));

        // Each auto-commit finishes on the thread pool (its answer awaited off the scheduler), and the next waits
        // for it: under a loaded machine, virtual time run flat out leaves them all behind (seen: one commit per
        // member in 30 virtual seconds). So each 100 ms step gives the pool up to 20 ms of real time to land them.
        for (var step = 0; step < 300 && !Done(); step++)
        {
            SpinWait.SpinUntil(Done, TimeSpan.FromMilliseconds(20));
            Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100));
        }

        if (!Done())
        {
            // Which member's commits stopped, and when: the last OffsetCommit each client sent.
            var last = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.OffsetCommit)
                .GroupBy(r => r.Request.Header.ClientId)
                .Select(g => $"{g.Key}: {g.Count()} commits, last at {g.Last().Request.ReceivedAt - DateTimeOffset.MinValue} (waiting since {start})");
            output.WriteLine($"commits [{string.Join(", ", Read())}]; {string.Join("; ", last)}");
        }

        return Read();
    }

    private void Settle(params Member[] members)
    {
        var settled = Scheduler.AdvanceUntil(
            () => Cluster.DescribeGroup("g") is { State: ScriptedGroupState.Stable } g
                && g.Members.Count == members.Length
                && members.Sum(m => m.Consumer.Assignment.Count) == Partitions
                && members.SelectMany(m => m.Consumer.Assignment).Distinct().Count() == Partitions,
            Scheduler.Clock + TimeSpan.FromSeconds(60).Ticks);
        Assert.True(settled, $"the group did not settle: {Cluster.DescribeGroup("g")}");
    }

    /// <summary>One member: its consumer, its open enumeration, and what it was handed, per partition in order.</summary>
    private sealed class Member
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IAsyncEnumerator<ConsumeResult<string?, string?>> _records;
        private ValueTask<bool> _next;

        public Member(KafkaConsumer<string?, string?> consumer, string clientId, Func<TimeSpan> clock)
        {
            Consumer = consumer;
            ClientId = clientId;
            consumer.Rebalances.Subscribe(e => Events.Add((clock(), e)));
            _records = consumer.ConsumeAsync(_stop.Token).GetAsyncEnumerator();
            _next = _records.MoveNextAsync();
        }

        public KafkaConsumer<string?, string?> Consumer { get; }

        public string ClientId { get; }

        /// <summary>Its rebalance events, with the virtual time each came at.</summary>
        public List<(TimeSpan At, RebalanceEvent Event)> Events { get; } = [];

        public bool Killed { get; private set; }

        public bool Ready => !Killed && _next.IsCompleted;

        /// <summary>Takes up to <paramref name="max"/> records the consumer has ready; returns how many.</summary>
        public int Pump(Tally tally, int max)
        {
            var taken = 0;
            while (taken < max && Ready)
            {
                Assert.True(_next.Result, $"{ClientId}'s enumeration ended");
                tally.Add(_records.Current);
                taken++;
                _next = _records.MoveNextAsync();
            }

            return taken;
        }

        /// <summary>The process stops: it reads nothing more, and (by the cluster's handler) says nothing more.</summary>
        public void Kill()
        {
            Killed = true;
            _stop.Cancel();
        }
    }

    /// <summary>What the members were handed: every delivery, the distinct records, and whether each partition's deliveries kept their order.</summary>
    private sealed class Tally(int[] counts)
    {
        private readonly HashSet<(int Partition, long Offset)> _seen = [];
        private readonly long[] _last = Enumerable.Repeat(-1L, Partitions).ToArray();

        public int Delivered { get; private set; }

        public int Distinct => _seen.Count;

        public int Duplicates => Delivered - Distinct;

        public int Lost => counts.Sum() - Distinct;

        /// <summary>Deliveries of a partition at or before the offset delivered just before them (a rewind: fine after a rebalance, never without one).</summary>
        public int Rewinds { get; private set; }

        public bool Complete => Distinct == counts.Sum();

        public TimeSpan Elapsed { get; set; }

        public void Add(ConsumeResult<string?, string?> record)
        {
            Assert.Equal($"v{record.Offset}", record.Value);
            Delivered++;
            _seen.Add((record.Partition, record.Offset));
            if (record.Offset <= _last[record.Partition])
            {
                Rewinds++;
            }

            _last[record.Partition] = record.Offset;
        }

        public override string ToString() => $"delivered {Delivered}, distinct {Distinct}, lost {Lost}, duplicates {Duplicates}, rewinds {Rewinds}, in {Elapsed}";
    }
}
