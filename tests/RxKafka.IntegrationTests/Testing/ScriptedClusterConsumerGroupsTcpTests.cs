using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using RxKafka.Testing.Network;

using static RxKafka.IntegrationTests.Testing.ScriptedClusterTcpGroupSupport;

namespace RxKafka.IntegrationTests.Testing;

/// <summary>
/// The scripted cluster's KIP-848 groups served over loopback TCP on a real-time scheduler to Confluent.Kafka
/// 2.15.1 consumers with <c>group.protocol=consumer</c> (librdkafka's ConsumerGroupHeartbeat member): they split a
/// topic's partitions through the server-side assignor, consume and commit with their member epochs, and the one
/// left takes every partition when the other closes.
/// </summary>
public sealed class ScriptedClusterConsumerGroupsTcpTests
{
    [Fact]
    public async Task R7_Confluent_consumers_with_group_protocol_consumer_split_the_partitions_and_one_takes_all_when_the_other_closes()
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance) { ConsumerGroupHeartbeatInterval = TimeSpan.FromMilliseconds(300) };
        const string topic = "kip848";
        const string group = "group-kip848";
        cluster.CreateTopic(topic, partitions: 6);
        await using var server = cluster.ServeTcp();
        await ProduceAsync(server.BootstrapServers, topic, 0, 60);
        var consumed = new ConcurrentQueue<(string Member, int Partition, long Offset)>();
        var members = new List<ConfluentGroupMember>();
        try
        {
            members.AddRange(new[] { "a", "b" }.Select(n => new ConfluentGroupMember(n, server.BootstrapServers, group, topic, "consumer", consumed)));
            await SplitWithNoOverlapAndNoGap(cluster, group, topic, members, 60, consumed);
            var epoch = cluster.DescribeConsumerGroup(group)!.GroupEpoch;

            // b closes (a heartbeat at epoch -1): a takes all six.
            members[1].Dispose();
            members.RemoveAt(1);
            await ProduceAsync(server.BootstrapServers, topic, 60, 30);
            await SplitWithNoOverlapAndNoGap(cluster, group, topic, members, 90, consumed);
            Assert.Equal([0, 1, 2, 3, 4, 5], members[0].Assignment);
            Assert.True(cluster.DescribeConsumerGroup(group)!.GroupEpoch > epoch);

            // What librdkafka's KIP-848 member asked for, in the test output.
            var apis = cluster.Requests.Select(r => $"{r.Request.ApiKey} v{r.Request.Version}").Distinct().Order(StringComparer.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine($"requests: {string.Join(", ", apis)}");
            Assert.Contains(cluster.Requests, r => r.Request.ApiKey == RxKafka.Protocol.Messages.ApiKey.ConsumerGroupHeartbeat);
        }
        finally
        {
            members.ForEach(m => m.Dispose());
        }
    }

    // Every member has partitions, together all of them and none twice, as the consumers and the coordinator see
    // it; every record was read and every partition's committed offset is its log end.
    private static async Task SplitWithNoOverlapAndNoGap(ScriptedCluster cluster, string group, string topic, List<ConfluentGroupMember> members, int records, ConcurrentQueue<(string Member, int Partition, long Offset)> consumed)
    {
        await Split(
            cluster, topic, members, records, consumed, group,
            () => cluster.DescribeConsumerGroup(group) is { State: ScriptedConsumerGroupState.Stable } described && described.Members.Count == members.Count,
            () => Describe(cluster.DescribeConsumerGroup(group)));
    }

    private static string Describe(ScriptedConsumerGroupDescription? group) => group is null ? "none"
        : $"{group.State} epoch {group.GroupEpoch}/{group.AssignmentEpoch}: " + string.Join("; ", group.Members.Select(m =>
            $"{m.ClientId} {m.MemberId} epoch {m.MemberEpoch} {m.State} assigned [{string.Join(",", m.Assigned.Select(p => p.Partition))}] revoking [{string.Join(",", m.PendingRevocation.Select(p => p.Partition))}]"));
}
