using System.Collections.Concurrent;
using Confluent.Kafka;
using TopicPartition = RxKafka.TopicPartition;

namespace RxKafka.IntegrationTests.Consumer.Assignment;

/// <summary>
/// Confluent.Kafka consumers (librdkafka 2.15.1 from its redist package) in one classic group, polled in turn from
/// the test's thread with short Consume timeouts, so every rebalance callback runs there. A snapshot is each member's
/// id, subscription and current assignment.
/// </summary>
internal sealed class ConfluentGroup : IDisposable
{
    private readonly string _bootstrap;
    private readonly string _groupId;
    private readonly string _strategy;
    private readonly List<Member> _members = [];
    private readonly ConcurrentQueue<string> _log = new();

    public ConfluentGroup(string bootstrap, string groupId, string strategy)
    {
        _bootstrap = bootstrap;
        _groupId = groupId;
        _strategy = strategy;
    }

    /// <summary>One member as seen now: its id, its topics and its partitions.</summary>
    public sealed record MemberState(string MemberId, IReadOnlyList<string> Topics, IReadOnlyList<TopicPartition> Assignment);

    /// <summary>Starts a consumer subscribed to <paramref name="topics"/>.</summary>
    public void Join(params string[] topics)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _bootstrap,
            GroupId = _groupId,
            PartitionAssignmentStrategy = _strategy switch
            {
                "range" => PartitionAssignmentStrategy.Range,
                "roundrobin" => PartitionAssignmentStrategy.RoundRobin,
                "cooperative-sticky" => PartitionAssignmentStrategy.CooperativeSticky,
                _ => throw new ArgumentOutOfRangeException(nameof(_strategy), _strategy, "not a librdkafka assignor"),
            },
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 500,
            TopicMetadataRefreshIntervalMs = 1000,
        };
        var index = _members.Count;
        var consumer = new ConsumerBuilder<Ignore, Ignore>(config)
            .SetLogHandler((_, m) => _log.Enqueue($"#{index} {m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => _log.Enqueue($"#{index} error {e.Code}: {e.Reason}"))
            .Build();
        consumer.Subscribe(topics);
        _members.Add(new Member(consumer, topics));
    }

    /// <summary>
    /// Polls every consumer in turn until <paramref name="condition"/> holds for a snapshot, or the deadline passes
    /// (then fails with the last snapshot and librdkafka's last log lines).
    /// </summary>
    public IReadOnlyList<MemberState> PollUntil(Func<IReadOnlyList<MemberState>, bool> condition, TimeSpan deadline, CancellationToken cancellation, Func<IReadOnlyList<MemberState>, string> describe)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(deadline);
        IReadOnlyList<MemberState> snapshot = [];
        while (!timeout.IsCancellationRequested)
        {
            foreach (var member in _members)
            {
                member.Consumer.Consume(TimeSpan.FromMilliseconds(20));
            }

            snapshot = Snapshot();
            if (condition(snapshot))
            {
                return snapshot;
            }
        }

        cancellation.ThrowIfCancellationRequested();
        throw new TimeoutException(
            $"the {_strategy} group did not reach the awaited state within {deadline.TotalSeconds} s; last: {describe(snapshot)}\n"
            + string.Join('\n', _log.TakeLast(30)));
    }

    private List<MemberState> Snapshot() =>
        [.. _members.Select(m => new MemberState(
            m.Consumer.MemberId ?? "",
            m.Topics,
            [.. m.Consumer.Assignment.Select(tp => new TopicPartition(tp.Topic, tp.Partition.Value))]))];

    public void Dispose()
    {
        foreach (var member in _members)
        {
            // Close leaves the group; a mock that is already gone only makes it slower, not wrong.
            member.Consumer.Close();
            member.Consumer.Dispose();
        }
    }

    private sealed record Member(IConsumer<Ignore, Ignore> Consumer, string[] Topics);
}
