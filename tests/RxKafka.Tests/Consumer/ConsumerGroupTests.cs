#pragma warning disable xUnit1031, xUnit1051

using RxKafka.Consumer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Consumer;

/// <summary>Consumer groups, classic protocol, against the in-memory cluster's group coordinator in virtual time (R5, R6, R8, R9).</summary>
public sealed class ConsumerGroupTests : ConsumerGroupTestBed
{
    public ConsumerGroupTests()
        : base()
    {
    }

    private ConsumerOptions GroupOptions(string strategy = "range", string? instance = null) => Options with
    {
        GroupId = "g",
        GroupInstanceId = instance,
        PartitionAssignmentStrategy = strategy,
        SessionTimeout = TimeSpan.FromSeconds(10),
        HeartbeatInterval = TimeSpan.FromSeconds(3),
        AutoCommitInterval = TimeSpan.FromSeconds(5),
    };

    [Theory]
    [InlineData("range")]
    [InlineData("roundrobin")]
    [InlineData("cooperative-sticky")]
    public void R5_members_split_the_partitions_with_no_overlap_and_no_gap_and_read_every_record_once(string strategy)
    {
        for (var p = 0; p < 6; p++)
        {
            Produce(new TopicPartition("t", p), 20);
        }

        var a = Member(GroupOptions(strategy));
        var b = Member(GroupOptions(strategy));
        Settle(a, b);

        var owned = a.Consumer.Assignment.Concat(b.Consumer.Assignment).ToList();
        Assert.Equal(6, owned.Count);
        Assert.Equal(6, owned.Distinct().Count());
        Assert.Equal(3, a.Consumer.Assignment.Count);

        var read = ReadAll([a, b], 120);
        Assert.Equal(120, read.Count);
        Assert.Equal(120, read.Select(r => r.TopicPartitionOffset).Distinct().Count());
        Assert.All(read.GroupBy(r => r.TopicPartition), g => Assert.Equal(Enumerable.Range(0, 20), g.Select(r => (int)r.Offset)));
    }

    [Fact]
    public void R9_auto_commit_commits_what_was_processed_every_interval_and_a_new_member_starts_there()
    {
        Produce(T0, 10);
        var a = Member(GroupOptions() with { AutoCommitInterval = TimeSpan.FromSeconds(5) });
        Settle(a);
        Assert.Equal(10, ReadAll([a], 10).Count);
        var before = Cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.OffsetCommit);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        Assert.True(Cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.OffsetCommit) > before, "no commit within one auto.commit.interval.ms");
        Assert.Equal(10, Cluster.CommittedOffset("g", "t", 0)?.Offset);
    }

    [Fact]
    public void R8_eager_revocation_commits_what_was_processed_before_the_partitions_move()
    {
        for (var p = 0; p < 6; p++)
        {
            Produce(new TopicPartition("t", p), 5);
        }

        var a = Member(GroupOptions() with { EnableAutoCommit = true, AutoCommitInterval = TimeSpan.FromHours(1) });
        Settle(a);
        Assert.Equal(30, ReadAll([a], 30).Count);
        var b = Member(GroupOptions());
        Settle(a, b);

        Assert.Contains(a.Events, e => e is PartitionsRevoked { Partitions.Count: 6 });
        for (var p = 0; p < 6; p++)
        {
            Assert.Equal(5, Cluster.CommittedOffset("g", "t", p)?.Offset);
        }

        // The partitions b took start at a's commits: nothing read twice, nothing lost.
        for (var p = 0; p < 6; p++)
        {
            Produce(new TopicPartition("t", p), 1, first: 5);
        }

        var read = ReadAll([a, b], 6);
        Assert.All(read, r => Assert.Equal(5, r.Offset));
    }

    [Fact]
    public void R5_cooperative_sticky_revokes_only_what_moves_and_hands_it_over_in_a_second_round()
    {
        var a = Member(GroupOptions("cooperative-sticky"));
        Settle(a);
        Assert.Equal(6, a.Consumer.Assignment.Count);

        var b = Member(GroupOptions("cooperative-sticky"));
        Settle(a, b);

        var revoked = a.Events.OfType<PartitionsRevoked>().SelectMany(e => e.Partitions).ToList();
        Assert.True(revoked.Count == 3, $"a: {string.Join("; ", a.Events)} / b: {string.Join("; ", b.Events)}");
        Assert.Equal(revoked.OrderBy(p => p.ToString()), b.Consumer.Assignment.OrderBy(p => p.ToString()));
        Assert.DoesNotContain(a.Events, e => e is PartitionsLost);
        Assert.Equal(6, a.Consumer.Assignment.Concat(b.Consumer.Assignment).Distinct().Count());
    }

    [Fact]
    public void R6_a_static_member_restarting_within_the_session_timeout_gets_its_partitions_back_without_a_rebalance()
    {
        var a = Member(GroupOptions(instance: "a"));
        var b = Member(GroupOptions(instance: "b"));
        Settle(a, b);
        var generation = Cluster.DescribeGroup("g")!.GenerationId;
        var aPartitions = a.Consumer.Assignment.OrderBy(p => p.ToString()).ToList();
        var bEvents = b.Events.Count;

        Dispose(a);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(4));
        var again = Member(GroupOptions(instance: "a"));
        Settle(again, b);

        Assert.Equal(generation, Cluster.DescribeGroup("g")!.GenerationId);
        Assert.Equal(aPartitions, again.Consumer.Assignment.OrderBy(p => p.ToString()));
        Assert.Equal(bEvents, b.Events.Count);
    }

    [Fact]
    public void R5_new_partitions_of_a_subscribed_topic_are_assigned_after_the_members_rejoin()
    {
        var a = Member(GroupOptions());
        var b = Member(GroupOptions());
        Settle(a, b);
        Cluster.AddPartitions("t", 2);
        var grown = Scheduler.AdvanceUntil(
            () => a.Consumer.Assignment.Count + b.Consumer.Assignment.Count == 8 && a.Consumer.Assignment.Concat(b.Consumer.Assignment).Distinct().Count() == 8,
            Scheduler.Clock + TimeSpan.FromMinutes(6).Ticks);
        Assert.True(grown, $"a: [{string.Join(", ", a.Consumer.Assignment)}] b: [{string.Join(", ", b.Consumer.Assignment)}]");
    }

    [Fact]
    public void R5_members_heartbeat_every_interval_on_the_scheduler()
    {
        var a = Member(GroupOptions());
        Settle(a);
        var start = Scheduler.Elapsed();
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(30));
        var beats = Cluster.Requests.Where(r => r.Request.ApiKey == ApiKey.Heartbeat && r.Request.ReceivedAt - DateTimeOffset.MinValue > start).ToList();
        Assert.InRange(beats.Count, 9, 11);
        Assert.Equal(ScriptedGroupState.Stable, Cluster.DescribeGroup("g")!.State);
    }

    [Fact]
    public void R5_a_member_the_coordinator_dropped_loses_its_partitions_and_joins_again()
    {
        var a = Member(GroupOptions());
        Settle(a);
        var memberId = Cluster.DescribeGroup("g")!.Members.Single().MemberId;
        Cluster.ExpireMember("g", memberId);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Contains(a.Events, e => e is PartitionsLost { Partitions.Count: 6 });
        Assert.Equal(6, a.Consumer.Assignment.Count);
        Assert.NotEqual(memberId, Cluster.DescribeGroup("g")!.Members.Single().MemberId);
    }

    /// <summary>Advances until the group is stable with every member assigned, and each member holds its assignment.</summary>
    private void Settle(params Participant[] members)
    {
        var settled = Scheduler.AdvanceUntil(
            () => Cluster.DescribeGroup("g") is { State: ScriptedGroupState.Stable } g
                && g.Members.Count == members.Length
                && members.All(m => m.Consumer.Assignment.Count > 0)
                && members.SelectMany(m => m.Consumer.Assignment).Distinct().Count() == 6
                && members.Sum(m => m.Consumer.Assignment.Count) == 6,
            Scheduler.Clock + TimeSpan.FromSeconds(60).Ticks);
        Assert.True(settled, $"the group did not settle: {Cluster.DescribeGroup("g")}");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
    }
}
