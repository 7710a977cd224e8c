using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;
using RxKafka.Testing.Network;
using ProtocolApiKey = RxKafka.Protocol.Messages.ApiKey;

using static RxKafka.IntegrationTests.Testing.ScriptedClusterTcpGroupSupport;

namespace RxKafka.IntegrationTests.Testing;

/// <summary>
/// The scripted cluster's classic groups served over loopback TCP on a real-time scheduler to Confluent.Kafka
/// 2.15.1 consumers (librdkafka's group client): they split a topic's partitions, consume, commit, and
/// rebalance as members leave and join; and a static member that restarts within its session timeout causes
/// no rebalance here, where librdkafka's own mock cluster rebalances.
/// </summary>
public sealed class ScriptedClusterGroupsTcpTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("range")]
    [InlineData("roundrobin")]
    [InlineData("cooperative-sticky")]
    public async Task R5_Confluent_consumers_split_the_partitions_with_no_overlap_and_no_gap_as_members_leave_and_join(string assignor)
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        var topic = $"split-{assignor}";
        cluster.CreateTopic(topic, partitions: 6);
        await using var server = cluster.ServeTcp();
        await ProduceAsync(server.BootstrapServers, topic, 0, 60);
        var group = $"group-{assignor}";
        var consumed = new ConcurrentQueue<(string Member, int Partition, long Offset)>();
        var members = new List<ConfluentGroupMember>();
        try
        {
            members.AddRange(new[] { "a", "b", "c" }.Select(n => new ConfluentGroupMember(n, server.BootstrapServers, group, topic, assignor, consumed)));
            await SplitEvenly(cluster, group, members, 60, consumed);
            var generation = cluster.DescribeGroup(group)!.GenerationId;

            // c leaves (LeaveGroup): a and b take its partitions.
            members[2].Dispose();
            members.RemoveAt(2);
            await ProduceAsync(server.BootstrapServers, topic, 60, 30);
            await SplitEvenly(cluster, group, members, 90, consumed);
            Assert.True(cluster.DescribeGroup(group)!.GenerationId > generation);

            // d joins: three members again, and d reads what is written to its partitions from then on.
            members.Add(new ConfluentGroupMember("d", server.BootstrapServers, group, topic, assignor, consumed));
            await SplitEvenly(cluster, group, members, 90, consumed);
            await ProduceAsync(server.BootstrapServers, topic, 90, 30);
            await SplitEvenly(cluster, group, members, 120, consumed);
            Assert.Contains(consumed, c => c.Member == "d");
        }
        finally
        {
            members.ForEach(m => m.Dispose());
        }
    }

    [Fact]
    public async Task R6_A_static_Confluent_consumer_restarting_within_its_session_timeout_gets_its_partitions_back_with_no_rebalance_where_librdkafkas_mock_rebalances()
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic("static", partitions: 4);
        await using var server = cluster.ServeTcp();
        var scripted = await RestartStaticMember(server.BootstrapServers, "static", generation: () => cluster.DescribeGroup("static-group")!.GenerationId);

        Assert.True(scripted.OtherMemberRebalances == 0, $"a saw {scripted.OtherMemberRebalances} rebalances on the scripted cluster\n{scripted.Log}");
        Assert.Equal(scripted.Before, scripted.After);
        Assert.Equal(scripted.GenerationBefore, scripted.GenerationAfter);
        Assert.Equal(ScriptedGroupState.Stable, cluster.DescribeGroup("static-group")!.State);

        // The same scenario on librdkafka's mock cluster (2.15.1): every join rebalances, the other member sees it.
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var mock = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        mock.CreateTopic("static", 4, 1);
        var onMock = await RestartStaticMember(mock.BootstrapServers, "static", generation: null);
        TestContext.Current.TestOutputHelper?.WriteLine($"scripted: a saw {scripted.OtherMemberRebalances} rebalances, b [{string.Join(",", scripted.Before)}] -> [{string.Join(",", scripted.After)}], generation {scripted.GenerationBefore} -> {scripted.GenerationAfter}");
        TestContext.Current.TestOutputHelper?.WriteLine($"librdkafka mock: a saw {onMock.OtherMemberRebalances} rebalances, b [{string.Join(",", onMock.Before)}] -> [{string.Join(",", onMock.After)}]");
        Assert.True(onMock.OtherMemberRebalances > 0, $"a saw no rebalance on librdkafka's mock\n{onMock.Log}");
    }

    [Fact]
    public async Task R5_kafka_python_joins_a_group_reads_every_record_commits_at_the_log_end_and_leaves()
    {
        Prerequisites.RequireKafkaPython();
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic("python", partitions: 3);
        await using var server = cluster.ServeTcp();
        await ProduceAsync(server.BootstrapServers, "python", 0, 30);

        var (assignment, records) = KafkaPython.ConsumeInGroup(server.BootstrapServers, "python", "python-group", 30);

        Assert.Equal([0, 1, 2], assignment);
        Assert.Equal(30, records);
        Assert.All(Enumerable.Range(0, 3), p => Assert.Equal(cluster.Log("python", p).Count, cluster.CommittedOffset("python-group", "python", p)?.Offset));
        var group = cluster.DescribeGroup("python-group")!;
        // It left: the group is empty again, a generation after its last one (kafka-python's leader may rejoin
        // once when it first sees the topic's metadata, so that is one or two generations of its own).
        Assert.Equal(ScriptedGroupState.Empty, group.State);
        Assert.InRange(group.GenerationId, 2, 3);
        var joins = cluster.Requests.Where(r => r.Request.ApiKey == ProtocolApiKey.JoinGroup).Select(r => r.Request.Version).Distinct().ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"kafka-python sent JoinGroup v{string.Join(", v", joins)}; the group ended at generation {group.GenerationId}");
    }

    // Two static members a and b of one group; b closes (a static member sends no LeaveGroup) and a new process
    // with b's instance id starts at once. Returns how many more assignments a saw, and b's partitions before and after.
    private static async Task<StaticRestart> RestartStaticMember(string bootstrap, string topic, Func<int>? generation)
    {
        var consumed = new ConcurrentQueue<(string Member, int Partition, long Offset)>();
        using var a = new ConfluentGroupMember("a", bootstrap, "static-group", topic, "range", consumed, instanceId: "instance-a");
        int[] before;
        using (var b = new ConfluentGroupMember("b", bootstrap, "static-group", topic, "range", consumed, instanceId: "instance-b"))
        {
            await Until(() => a.Assignment.Length > 0 && b.Assignment.Length > 0 && a.Assignment.Length + b.Assignment.Length == 4, () => a.Log + "\n" + b.Log);
            before = b.Assignment;
        }

        var (assignedBefore, generationBefore) = (a.AssignedCount, generation?.Invoke() ?? -1);
        using var restarted = new ConfluentGroupMember("b2", bootstrap, "static-group", topic, "range", consumed, instanceId: "instance-b");
        await Until(() => restarted.Assignment.Length > 0, () => a.Log + "\n" + restarted.Log);

        // A rebalance reaches a through its next heartbeats (every 300 ms): wait for one, for at most 3 s, since
        // what the scripted cluster must show is that none comes.
        await Observable.Interval(TimeSpan.FromMilliseconds(50)).Where(_ => a.AssignedCount > assignedBefore).FirstOrDefaultAsync()
            .Timeout(TimeSpan.FromSeconds(3), Observable.Return(0L)).ToTask(Token);
        return new StaticRestart(a.AssignedCount - assignedBefore, before, restarted.Assignment, generationBefore, generation?.Invoke() ?? -1, a.Log + "\n" + restarted.Log);
    }

    // Every member has partitions, together all of them and none twice, every record was read and every
    // partition's committed offset is its log end.
    private static async Task SplitEvenly(ScriptedCluster cluster, string group, List<ConfluentGroupMember> members, int records, ConcurrentQueue<(string Member, int Partition, long Offset)> consumed)
    {
        var topic = cluster.TopicNames.Single(t => t.StartsWith("split-", StringComparison.Ordinal));
        await Split(
            cluster, topic, members, records, consumed, group,
            () => cluster.DescribeGroup(group) is { State: ScriptedGroupState.Stable } described && described.Members.Count == members.Count,
            () => $"{cluster.DescribeGroup(group)}");
    }

    private sealed record StaticRestart(int OtherMemberRebalances, int[] Before, int[] After, int GenerationBefore, int GenerationAfter, string Log);
}
