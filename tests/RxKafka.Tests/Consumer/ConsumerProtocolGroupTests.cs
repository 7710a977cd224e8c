#pragma warning disable xUnit1031, xUnit1051

using System.Text.RegularExpressions;
using RxKafka.Consumer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// KIP-848 groups (group.protocol=consumer, R7): RxKafka's member against the in-memory cluster's
/// ConsumerGroupHeartbeat coordinator in virtual time: broker-side assignment, revocation before hand-over
/// with commit on revoke, static members, fencing, broker-side patterns and the broker's heartbeat interval.
/// </summary>
public sealed class ConsumerProtocolGroupTests : ConsumerGroupTestBed
{
    private ConsumerOptions GroupOptions(string? instance = null) => Options with
    {
        GroupId = "g",
        GroupInstanceId = instance,
        GroupProtocol = GroupProtocol.Consumer,
        AutoCommitInterval = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public void R7_members_split_the_partitions_with_no_overlap_and_no_gap_and_read_every_record_once()
    {
        for (var p = 0; p < 6; p++)
        {
            Produce(new TopicPartition("t", p), 20);
        }

        var a = Member(GroupOptions());
        var b = Member(GroupOptions());
        Settle(a, b);

        Assert.Equal(3, a.Consumer.Assignment.Count);
        var read = ReadAll([a, b], 120);
        Assert.Equal(120, read.Select(r => r.TopicPartitionOffset).Distinct().Count());
        Assert.All(read.GroupBy(r => r.TopicPartition), g => Assert.Equal(Enumerable.Range(0, 20), g.Select(r => (int)r.Offset)));
    }

    [Fact]
    public void R7_a_partition_moves_only_after_its_owner_revoked_it_and_committed_what_it_processed()
    {
        for (var p = 0; p < 6; p++)
        {
            Produce(new TopicPartition("t", p), 5);
        }

        var a = Member(GroupOptions() with { AutoCommitInterval = TimeSpan.FromHours(1) });
        Settle(a);
        Assert.Equal(30, ReadAll([a], 30).Count);
        var b = Member(GroupOptions());
        Settle(a, b);

        var revoked = a.Events.OfType<PartitionsRevoked>().SelectMany(e => e.Partitions).ToList();
        Assert.Equal(3, revoked.Count);
        Assert.Equal(revoked.OrderBy(p => p.ToString()), b.Consumer.Assignment.OrderBy(p => p.ToString()));
        Assert.DoesNotContain(a.Events, e => e is PartitionsLost);
        Assert.All(revoked, p => Assert.Equal(5, Cluster.CommittedOffset("g", "t", p.Partition)?.Offset));

        // b starts where a committed: nothing read twice, nothing lost.
        foreach (var p in revoked)
        {
            Produce(p, 1, first: 5);
        }

        Assert.All(ReadAll([b], 3), r => Assert.Equal(5, r.Offset));
    }

    [Fact]
    public void R7_commits_carry_the_member_id_and_epoch()
    {
        Produce(T0, 10);
        var a = Member(GroupOptions());
        Settle(a);
        Assert.Equal(10, ReadAll([a], 10).Count);

        var commit = Complete(a.Consumer.CommitAsync());

        Assert.True(commit);
        var member = Cluster.DescribeConsumerGroup("g")!.Members.Single();
        var request = (OffsetCommitRequest)Cluster.Requests.Last(r => r.Request.ApiKey == ApiKey.OffsetCommit).Request.Request;
        Assert.Equal((member.MemberId, member.MemberEpoch), (request.MemberId, request.GenerationIdOrMemberEpoch));
        Assert.Equal(10, Cluster.CommittedOffset("g", "t", 0)?.Offset);
    }

    [Fact]
    public void R7_a_static_member_restarting_within_the_session_gets_its_partitions_back_without_a_new_group_epoch()
    {
        var a = Member(GroupOptions(instance: "a"));
        var b = Member(GroupOptions(instance: "b"));
        Settle(a, b);
        var epoch = Cluster.DescribeConsumerGroup("g")!.GroupEpoch;
        var aPartitions = a.Consumer.Assignment.OrderBy(p => p.ToString()).ToList();
        var bEvents = b.Events.Count;

        Dispose(a);
        Assert.Equal(-2, Cluster.DescribeConsumerGroup("g")!.Members.Single(m => m.InstanceId == "a").MemberEpoch);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(10));
        var again = Member(GroupOptions(instance: "a"));
        Settle(again, b);

        Assert.Equal(epoch, Cluster.DescribeConsumerGroup("g")!.GroupEpoch);
        Assert.Equal(aPartitions, again.Consumer.Assignment.OrderBy(p => p.ToString()));
        Assert.Equal(bEvents, b.Events.Count);
    }

    [Fact]
    public void R7_a_fenced_member_loses_its_partitions_without_a_commit_and_joins_again()
    {
        // No auto-commit: any commit after the fencing would come from revoking lost partitions, which must not happen.
        Produce(T0, 5);
        var a = Member(GroupOptions() with { AutoCommitInterval = TimeSpan.FromHours(1) });
        Settle(a);
        Assert.Equal(5, ReadAll([a], 5).Count);
        var memberId = Cluster.DescribeConsumerGroup("g")!.Members.Single().MemberId;
        var commits = Cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.OffsetCommit);

        Cluster.ExpireMember("g", memberId);
        Settle(a);

        Assert.Contains(a.Events, e => e is PartitionsLost { Partitions.Count: 6 });
        Assert.Equal(commits, Cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.OffsetCommit));
        Assert.Equal(6, a.Consumer.Assignment.Count);
    }

    [Fact]
    public void R7_members_heartbeat_at_the_interval_the_broker_gives()
    {
        Cluster.ConsumerGroupHeartbeatInterval = TimeSpan.FromSeconds(2);
        var a = Member(GroupOptions());
        Settle(a);
        var start = Scheduler.Elapsed();

        Scheduler.AdvanceBy(TimeSpan.FromSeconds(20));

        var beats = Cluster.Requests.Count(r => r.Request.ApiKey == ApiKey.ConsumerGroupHeartbeat && r.Request.ReceivedAt - DateTimeOffset.MinValue > start);
        Assert.InRange(beats, 9, 11);
        Assert.Equal(ScriptedConsumerGroupState.Stable, Cluster.DescribeConsumerGroup("g")!.State);

        // Steady: light heartbeats (id and epoch), not the subscription and owned partitions every time.
        var last = (ConsumerGroupHeartbeatRequest)Cluster.Requests.Last(r => r.Request.ApiKey == ApiKey.ConsumerGroupHeartbeat).Request.Request;
        Assert.Null(last.TopicPartitions);
        Assert.Null(last.SubscribedTopicNames);
    }

    [Fact]
    public void R7_a_pattern_is_matched_by_the_broker_and_takes_topics_created_later()
    {
        Cluster.CreateTopic("metrics-eu", 2);
        var a = Member(GroupOptions(), c => c.Subscribe(new Regex("^metrics-.*")));
        Assert.True(Scheduler.AdvanceUntil(() => a.Consumer.Assignment.Count == 2, Scheduler.Clock + TimeSpan.FromSeconds(30).Ticks));
        Assert.Equal("^metrics-.*", Cluster.DescribeConsumerGroup("g")!.Members.Single().SubscribedTopicRegex);

        Cluster.CreateTopic("metrics-us", 3);

        Assert.True(
            Scheduler.AdvanceUntil(() => a.Consumer.Assignment.Count == 5, Scheduler.Clock + TimeSpan.FromSeconds(60).Ticks),
            $"[{string.Join(", ", a.Consumer.Assignment)}]");
        Assert.DoesNotContain(a.Consumer.Assignment, p => p.Topic == "t");
    }

    [Fact]
    public void R7_a_broker_without_ConsumerGroupHeartbeat_ends_the_consumer_with_an_error_that_says_what_to_do()
    {
        Cluster.SetApiVersion(ApiKey.ConsumerGroupHeartbeat, -1, -1);
        Produce(T0, 1);
        var a = Member(GroupOptions());

        var (read, error) = ReadUntilError(a.Consumer);

        Assert.Empty(read);
        var unsupported = Assert.IsType<UnsupportedVersionException>(error);
        Assert.Contains("does not offer KIP-848 consumer groups", unsupported.Message);
        Assert.Contains("group.protocol=classic", unsupported.Message);
    }

    private T Complete<T>(Task<T> task)
    {
        Assert.True(Scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(30)), "the task did not complete");
        return task.Result;
    }

    private bool Complete(Task task)
    {
        Assert.True(Scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(30)), "the task did not complete");
        return task.IsCompletedSuccessfully;
    }

    /// <summary>Advances until every member is at the group's target epoch, together owning each partition of "t" once.</summary>
    private void Settle(params Participant[] members)
    {
        var settled = Scheduler.AdvanceUntil(
            () => Cluster.DescribeConsumerGroup("g") is { State: ScriptedConsumerGroupState.Stable } g
                && g.Members.Count(m => m.MemberEpoch > 0) == members.Length
                && members.All(m => m.Consumer.Assignment.Count > 0)
                && members.SelectMany(m => m.Consumer.Assignment).Distinct().Count() == 6
                && members.Sum(m => m.Consumer.Assignment.Count) == 6,
            Scheduler.Clock + TimeSpan.FromSeconds(60).Ticks);
        Assert.True(settled, $"the group did not settle: {Cluster.DescribeConsumerGroup("g")}");
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
    }
}
