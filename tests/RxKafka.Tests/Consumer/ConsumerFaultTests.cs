#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Concurrency;
using RxKafka.Cluster;
using RxKafka.Consumer;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// A group of three consuming 200,000 records over six partitions in virtual time while something fails: a
/// member killed (R10), a broker down and up, the coordinator moved (R5), a partition leader moved (R4).
/// Each test writes its counts (delivered, lost, duplicated, rebalances, virtual time) to the test output.
/// </summary>
public sealed partial class ConsumerFaultTests(ITestOutputHelper output) : ConsumerTestBed(partitions: Partitions)
{
    private const int Records = 200_000;

    [Fact]
    public void R10_a_member_killed_mid_stream_loses_nothing_the_others_take_its_partitions_after_the_session_timeout()
    {
        var counts = AppendAll(Records);
        Member[] members = [Join("a"), Join("b"), Join("victim")];
        Settle(members);
        var generation = Cluster.DescribeGroup("g")!.GenerationId;
        var victim = members[2];
        var victimPartitions = victim.Consumer.Assignment.ToList();
        var killedAt = TimeSpan.Zero;

        Tally tally;
        long[] commits;
        try
        {
            tally = Drive(members, counts, faultAt: Records / 4, () =>
            {
                // Killed, not closed: no commit, no LeaveGroup, no heartbeat; every request it sends goes unanswered.
                Cluster.Handler = (_, request) => request.Header.ClientId == victim.ClientId ? BrokerReply.Silence : null;
                victim.Kill();
                killedAt = Scheduler.Elapsed();
            }, budget: TimeSpan.FromMinutes(5));
            commits = CommitsAtTheEnd(counts);
        }
        finally
        {
            // The dead process's consumer is disposed with the test: let its last requests be answered, and give
            // the ones it left waiting the time to time out.
            Cluster.Handler = null;
            var closed = victim.Consumer.DisposeAsync().AsTask();
            Assert.True(Scheduler.AdvanceUntilCompleted(closed, TimeSpan.FromMinutes(1)), "the killed member's consumer did not close");
        }

        var group = Cluster.DescribeGroup("g")!;
        Report("member killed", tally, group.GenerationId - generation);

        Assert.Equal(0, tally.Lost);
        Assert.Equal(2, group.Members.Count);
        Assert.True(group.GenerationId > generation, "no rebalance followed the kill");

        // Taken over once the session timed out: at most one heartbeat interval (3 s) after the victim's last
        // heartbeat, at most the session timeout plus one rejoin after the kill.
        var takenOver = members[..2].SelectMany(m => m.Events).First(e => e.Event is PartitionsAssigned a && a.Partitions.Intersect(victimPartitions).Any()).At;
        Assert.InRange(takenOver - killedAt, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(20));
        Assert.All(victimPartitions, p => Assert.Contains(p, members[0].Consumer.Assignment.Concat(members[1].Consumer.Assignment)));
        Assert.Equal(counts.Select(c => (long)c), commits);
    }

    [Fact]
    public void R4_a_broker_down_and_up_mid_stream_loses_nothing_and_keeps_each_partition_in_order()
    {
        var counts = AppendAll(Records);
        Cluster.SetCoordinator(CoordinatorType.Group, "g", 1);
        Member[] members = [Join("a"), Join("b"), Join("c")];
        Settle(members);
        var generation = Cluster.DescribeGroup("g")!.GenerationId;
        var led = Cluster.Partitions("t").Where(p => p.LeaderId == 2).Select(p => p.PartitionIndex).ToList();

        var tally = Drive(members, counts, faultAt: Records / 4, () =>
        {
            Cluster.SetBrokerDown(2);
            Scheduler.Schedule(TimeSpan.FromSeconds(30), () => Cluster.SetBrokerUp(2));
        }, budget: TimeSpan.FromMinutes(5));
        var commits = CommitsAtTheEnd(counts);
        Report($"broker 2 (leader of {string.Join(", ", led)}) down 30 s", tally, Cluster.DescribeGroup("g")!.GenerationId - generation);
        output.WriteLine($"metadata requests: {Cluster.MetadataRequests.Count}");

        Assert.NotEmpty(led);
        Assert.Equal(0, tally.Lost);
        Assert.Equal(0, tally.Duplicates);
        Assert.Equal(0, tally.Rewinds);
        Assert.Equal(generation, Cluster.DescribeGroup("g")!.GenerationId);
        Assert.True(tally.Elapsed >= TimeSpan.FromSeconds(30), $"the partitions broker 2 leads were read while it was down: {tally}");
        Assert.Equal(counts.Select(c => (long)c), commits);
    }

    [Fact]
    public void R5_the_coordinator_moved_mid_group_the_members_find_the_new_one_and_their_commits_land()
    {
        var counts = AppendAll(Records);
        Cluster.SetCoordinator(CoordinatorType.Group, "g", 1);
        Member[] members = [Join("a"), Join("b"), Join("c")];
        Settle(members);
        var generation = Cluster.DescribeGroup("g")!.GenerationId;
        var moved = TimeSpan.Zero;

        var tally = Drive(members, counts, faultAt: Records / 4, () =>
        {
            Cluster.MoveGroupCoordinator("g", 3);
            moved = Scheduler.Elapsed();
        }, budget: TimeSpan.FromMinutes(5));
        var commits = CommitsAtTheEnd(counts);
        var group = Cluster.DescribeGroup("g")!;
        Report("coordinator 1 -> 3", tally, group.GenerationId - generation);

        Assert.Equal(0, tally.Lost);
        Assert.Equal(3, group.Members.Count);
        Assert.Equal(ScriptedGroupState.Stable, group.State);
        Assert.Equal(counts.Select(c => (long)c), commits);
        var after = Cluster.Requests.Where(r => r.Request.ReceivedAt - DateTimeOffset.MinValue > moved).ToList();
        Assert.Contains(after, r => r.NodeId == 3 && r.Request.ApiKey == ApiKey.OffsetCommit);
        Assert.Contains(after, r => r.NodeId == 3 && r.Request.ApiKey == ApiKey.Heartbeat);
    }

    [Fact]
    public void R4_a_partition_leader_moved_mid_fetch_is_followed_with_no_loss_and_no_duplicates()
    {
        var counts = AppendAll(Records);
        Member[] members = [Join("a"), Join("b"), Join("c")];
        Settle(members);
        var generation = Cluster.DescribeGroup("g")!.GenerationId;
        var moved = TimeSpan.Zero;

        var tally = Drive(members, counts, faultAt: Records / 4, () =>
        {
            // Every partition changes leader (epoch + 1) while its fetches are in flight.
            foreach (var p in Cluster.Partitions("t"))
            {
                Cluster.SetPartitionLeader("t", p.PartitionIndex, (p.LeaderId % 3) + 1);
            }

            moved = Scheduler.Elapsed();
        }, budget: TimeSpan.FromMinutes(5));
        Report("every leader moved", tally, Cluster.DescribeGroup("g")!.GenerationId - generation);

        Assert.Equal(0, tally.Lost);
        Assert.Equal(0, tally.Duplicates);
        Assert.Equal(0, tally.Rewinds);
        Assert.Equal(generation, Cluster.DescribeGroup("g")!.GenerationId);
        var leaders = Cluster.Partitions("t").ToDictionary(p => p.PartitionIndex, p => p.LeaderId);
        var fetchedAfter = FetchRequests.Where(f => f.At > moved + TimeSpan.FromSeconds(2)).ToList();
        Assert.NotEmpty(fetchedAfter);
        Assert.All(fetchedAfter, f => Assert.All(f.Request.Topics.SelectMany(t => t.Partitions), p => Assert.Equal(leaders[p.Partition], f.NodeId)));
    }

    private void Report(string scenario, Tally tally, int rebalances) =>
        output.WriteLine($"{scenario}: records {Records}, {tally}, rebalances (generations) {rebalances}");
}
