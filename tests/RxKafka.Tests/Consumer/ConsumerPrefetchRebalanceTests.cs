#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using RxKafka.Consumer;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// The prefetch bound across rebalances (R2), in virtual time: a slow reader in a group while a second member
/// joins (partitions move away) and leaves (they come back), eager and cooperative; and a user's pause across them.
/// </summary>
public sealed class ConsumerPrefetchRebalanceTests : ConsumerTestBed
{
    private const int Partitions = 6;
    private const int PerPartition = 10_000;
    private readonly ProbedTestScheduler _clock;

    public ConsumerPrefetchRebalanceTests()
        : base(partitions: Partitions, scheduler: new ProbedTestScheduler())
    {
        _clock = (ProbedTestScheduler)Scheduler;
    }

    // The existing R2 test's bound (ConsumerFacesTests): 256 KiB of prefetch, fetches of 64 KiB. Auto-commit on
    // revocation hands each moving partition over at what was processed.
    private ConsumerOptions GroupOptions(string strategy) => Options with
    {
        GroupId = "g",
        PartitionAssignmentStrategy = strategy,
        SessionTimeout = TimeSpan.FromSeconds(10),
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        AutoCommitInterval = TimeSpan.FromSeconds(5),
        PrefetchMaxBytes = 256 * 1024,
        FetchMaxBytes = 64 * 1024,
        MaxPartitionFetchBytes = 64 * 1024,
    };

    [Theory]
    [InlineData("range")]
    [InlineData("cooperative-sticky")]
    public void R2_a_slow_reader_keeps_the_prefetch_under_its_bound_while_partitions_move_away_and_come_back(string strategy)
    {
        Fill();
        var options = GroupOptions(strategy);
        var bound = options.PrefetchMaxBytes + options.FetchMaxBytes;
        var a = Consumer(options);
        var aEvents = new List<RebalanceEvent>();
        a.Rebalances.Subscribe(aEvents.Add);
        var (peak, over) = (0L, (string?)null);
        _clock.Probe = () =>
        {
            var prefetched = a.PrefetchedBytes;
            peak = Math.Max(peak, prefetched);
            over ??= prefetched > bound ? $"{prefetched} B prefetched at {Scheduler.Elapsed()}:\n{a.Describe()}" : null;
        };
        a.Subscribe(["t"]);
        var reader = new SlowReader(a, Scheduler);
        Assert.True(reader.ReadUntil(() => reader.Count >= 10_000, TimeSpan.FromSeconds(30)), $"a read {reader.Count}:\n{a.Describe()}");

        // A second member joins: half of the partitions move to it (eager: after everything was revoked).
        var b = Consumer(options);
        var bOwned = new HashSet<TopicPartition>();
        b.Rebalances.OfType<PartitionsAssigned>().Subscribe(e => bOwned.UnionWith(e.Partitions));
        b.Subscribe(["t"]);
        var bReader = new SlowReader(b, Scheduler);
        var bRead = bReader.Offsets;
        Assert.True(SlowReader.ReadUntil([reader, bReader], () => Split(a, b) && reader.Count >= 20_000, TimeSpan.FromSeconds(60)), $"the group did not split: {Cluster.DescribeGroup("g")}\n{a.Describe()}");
        Assert.Contains(aEvents, e => e is PartitionsRevoked { Partitions.Count: > 0 });
        Assert.Equal(3, bOwned.Count);

        // It leaves (its reader stops first, so that its commit covers every record it was handed): its partitions come back.
        Assert.True(bReader.Stop(), "b's reader did not stop");
        var leaving = b.DisposeAsync().AsTask();
        Assert.True(reader.ReadUntil(() => leaving.IsCompleted && a.Assignment.Count == Partitions, TimeSpan.FromSeconds(30)), $"b's partitions did not come back:\n{a.Describe()}");
        Assert.Contains(aEvents, e => e is PartitionsAssigned assigned && assigned.Partitions.Any(bOwned.Contains));

        // The reader finishes: partitions the engine held back at the bound were fetched again as it caught up.
        bool AllRead() => Enumerable.Range(0, Partitions).All(p => Read(reader.Offsets, p).Concat(Read(bRead, p)).Distinct().Count() == PerPartition);
        Assert.True(reader.ReadUntil(AllRead, TimeSpan.FromSeconds(60)), $"a read {reader.Count}, b {bRead.Values.Sum(o => o.Count)}:\n{a.Describe()}");

        Assert.Null(over);
        // The bound was reached, so the engine did hold fetching back at it.
        Assert.InRange(peak, options.PrefetchMaxBytes, bound);
        for (var p = 0; p < Partitions; p++)
        {
            var partition = new TopicPartition("t", p);
            var (byA, byB) = (Read(reader.Offsets, p), Read(bRead, p));
            if (!bOwned.Contains(partition))
            {
                // Kept: every offset from the start, in order; once, except that an eager rebalance revokes it too,
                // and the record in hand then (not yet processed, so not committed) is read again: at least once.
                Assert.Empty(byB);
                Assert.Equal(Enumerable.Range(0, PerPartition).Select(i => (long)i), byA.Distinct());
                Assert.InRange(byA.Count - PerPartition, 0, strategy == "range" ? 1 : 0);
                continue;
            }

            // Moved away and back: a read up to where b took over, b from there, a again from b's commit. Nothing is
            // lost; a record is read twice only at a handover (the one in hand at the revocation, not yet processed,
            // so not committed: at least once), and each member reads its share in order.
            Assert.Equal(Enumerable.Range(0, PerPartition).Select(i => (long)i), byA.Concat(byB).Distinct().Order());
            Assert.InRange(byA.Count + byB.Count - PerPartition, 0, 2);
            Assert.True(IsAscending(byA) && IsAscending(byB), $"{partition}: a [{Runs(byA)}] b [{Runs(byB)}]");
        }
    }

    [Theory]
    [InlineData("range", 0)] // range: members in join order, the first keeps partitions 0-2
    [InlineData("cooperative-sticky", 5)] // the sticky balancer moves 0-2 to the newcomer and keeps 3-5
    public void R2_a_partition_the_user_paused_stays_paused_across_a_rebalance_and_resumes_where_it_stopped(string strategy, int kept)
    {
        Fill();
        var options = GroupOptions(strategy);
        var a = Consumer(options);
        var revoked = new List<TopicPartition>();
        a.Rebalances.OfType<PartitionsRevoked>().Subscribe(e => revoked.AddRange(e.Partitions));
        a.Subscribe(["t"]);
        var reader = new SlowReader(a, Scheduler);
        Assert.True(reader.ReadUntil(() => reader.Count >= 3_000, TimeSpan.FromSeconds(30)));

        var paused = new TopicPartition("t", kept);
        a.Pause([paused]);
        // The face finishes the chunk it holds (see the report on Pause), then delivers nothing more of the partition.
        var other = reader.Count;
        Assert.True(reader.ReadUntil(() => reader.Count > other && reader.Last != paused, TimeSpan.FromSeconds(10)));
        var pausedAt = reader.Offsets.GetValueOrDefault(paused)?.Count ?? 0;
        var b = Consumer(options);
        b.Subscribe(["t"]);
        Assert.True(reader.ReadUntil(() => Split(a, b) && reader.Count >= 8_000, TimeSpan.FromSeconds(60)), $"the group did not split: {Cluster.DescribeGroup("g")}");
        Assert.Contains(paused, a.Assignment);
        // Eager: revoked with the rest and assigned again (a new partition state); cooperative: never revoked.
        Assert.Equal(strategy == "range", revoked.Contains(paused));

        Assert.Equal([paused], a.Paused);
        Assert.Equal(pausedAt, reader.Offsets.GetValueOrDefault(paused)?.Count ?? 0);

        a.Resume([paused]);
        Assert.True(reader.ReadUntil(() => reader.Offsets.GetValueOrDefault(paused)?.Count == PerPartition, TimeSpan.FromSeconds(60)), $"a read {reader.Offsets.GetValueOrDefault(paused)?.Count} of {paused}:\n{a.Describe()}");
        Assert.Equal(Enumerable.Range(0, PerPartition).Select(i => (long)i), reader.Offsets[paused]);
    }

    private void Fill()
    {
        for (var p = 0; p < Partitions; p++)
        {
            // Batches of about 14 KB: a fetch of 64 KiB brings whole batches under its limit (a first batch larger
            // than the limit comes back whole, as in Kafka, and would pass any bound stated in fetch sizes).
            for (var first = 0; first < PerPartition; first += 1_000)
            {
                Append(new TopicPartition("t", p), first, 1_000);
            }
        }
    }

    private bool Split(IKafkaConsumer<string?, string?> a, IKafkaConsumer<string?, string?> b) =>
        Cluster.DescribeGroup("g") is { State: ScriptedGroupState.Stable, Members.Count: 2 }
        && a.Assignment.Count == Partitions / 2
        && b.Assignment.Count == Partitions / 2
        && a.Assignment.Concat(b.Assignment).Distinct().Count() == Partitions;

    private static List<long> Read(Dictionary<TopicPartition, List<long>> offsets, int partition) => offsets.GetValueOrDefault(new TopicPartition("t", partition)) ?? [];

    private static bool IsAscending(List<long> offsets) => offsets.Zip(offsets.Skip(1)).All(p => p.Second > p.First);

    // "0-4999, 6000-19999": the runs of consecutive offsets, for a failure message.
    private static string Runs(List<long> offsets) =>
        string.Join(", ", offsets.Select((o, i) => (o, i)).GroupBy(x => x.o - x.i).Select(g => $"{g.First().o}-{g.Last().o}"));

    /// <summary>
    /// Reads a consumer's records face on the test's thread, slowly: a virtual millisecond every ten records,
    /// while fetch answers take a tick. Keeps the offsets it read per partition. Several readers are driven
    /// together by <see cref="ReadUntil(SlowReader[], Func{bool}, TimeSpan)"/>, all on the test's thread.
    /// </summary>
    private sealed class SlowReader(KafkaConsumer<string?, string?> consumer, Microsoft.Reactive.Testing.TestScheduler scheduler)
    {
        private readonly IAsyncEnumerator<ConsumeResult<string?, string?>> _records = consumer.ConsumeAsync().GetAsyncEnumerator();
        private Task<bool>? _next;

        public Dictionary<TopicPartition, List<long>> Offsets { get; } = [];

        public int Count { get; private set; }

        private Microsoft.Reactive.Testing.TestScheduler Clock => scheduler;

        /// <summary>The partition of the last record read.</summary>
        public TopicPartition? Last { get; private set; }

        /// <summary>Reads until <paramref name="done"/> holds, within <paramref name="budget"/> of virtual time.</summary>
        public bool ReadUntil(Func<bool> done, TimeSpan budget) => ReadUntil([this], done, budget);

        /// <summary>Reads with every reader until <paramref name="done"/> holds, within <paramref name="budget"/> of virtual time.</summary>
        public static bool ReadUntil(SlowReader[] readers, Func<bool> done, TimeSpan budget)
        {
            var scheduler = readers[0].Clock;
            var limit = scheduler.Clock + budget.Ticks;
            while (!done())
            {
                foreach (var reader in readers)
                {
                    reader._next ??= reader._records.MoveNextAsync().AsTask();
                }

                if (!scheduler.AdvanceUntil(() => readers.Any(r => r._next!.IsCompleted) || done(), limit))
                {
                    return false;
                }

                var slow = false;
                foreach (var reader in readers.Where(r => r._next!.IsCompleted))
                {
                    slow |= reader.Take();
                }

                if (slow && scheduler.Clock + TimeSpan.FromMilliseconds(1).Ticks <= limit)
                {
                    scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
                }
            }

            return true;
        }

        /// <summary>
        /// Stops reading where it is: the enumeration ends after the last record read (the face gives the rest of
        /// its chunk back, so the position, and a commit, are one past it); false if a record never came.
        /// </summary>
        public bool Stop()
        {
            if (_next is { } next && !scheduler.AdvanceUntil(() => next.IsCompleted, scheduler.Clock + TimeSpan.FromSeconds(10).Ticks))
            {
                return false;
            }

            if (_next is not null)
            {
                Take();
            }

            var disposed = _records.DisposeAsync().AsTask();
            return scheduler.AdvanceUntil(() => disposed.IsCompleted, scheduler.Clock + TimeSpan.FromSeconds(1).Ticks);
        }

        // Takes the record that arrived; true every tenth record (time for the reader to be slow).
        private bool Take()
        {
            Assert.True(_next!.Result, "the records face ended");
            _next = null;
            var record = _records.Current;
            Last = record.TopicPartition;
            (Offsets.TryGetValue(record.TopicPartition, out var offsets) ? offsets : Offsets[record.TopicPartition] = []).Add(record.Offset);
            return ++Count % 10 == 0;
        }
    }
}
