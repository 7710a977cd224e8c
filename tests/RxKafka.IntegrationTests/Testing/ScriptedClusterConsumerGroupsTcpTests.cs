using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.Testing.Network;

namespace RxKafka.IntegrationTests.Testing;

/// <summary>
/// The scripted cluster's KIP-848 groups served over loopback TCP on a real-time scheduler to Confluent.Kafka
/// 2.15.1 consumers with <c>group.protocol=consumer</c> (librdkafka's ConsumerGroupHeartbeat member): they split a
/// topic's partitions through the server-side assignor, consume and commit with their member epochs, and the one
/// left takes every partition when the other closes.
/// </summary>
public sealed class ScriptedClusterConsumerGroupsTcpTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

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
        var partitions = cluster.Partitions(topic).Count;
        await Until(
            () => members.All(m => m.Assignment.Length > 0)
                && members.SelectMany(m => m.Assignment).Order().SequenceEqual(Enumerable.Range(0, partitions))
                && consumed.Select(c => (c.Partition, c.Offset)).Distinct().Count() == records
                && Enumerable.Range(0, partitions).All(p => cluster.CommittedOffset(group, topic, p)?.Offset == cluster.Log(topic, p).Count)
                && cluster.DescribeConsumerGroup(group) is { State: ScriptedConsumerGroupState.Stable } described && described.Members.Count == members.Count,
            () => $"assignments {string.Join(" ", members.Select(m => $"{m.Name}=[{string.Join(",", m.Assignment)}]"))}, {consumed.Select(c => (c.Partition, c.Offset)).Distinct().Count()}/{records} read, "
                + $"group {Describe(cluster.DescribeConsumerGroup(group))}\n{string.Join("\n", members.Select(m => m.Log))}");
    }

    private static string Describe(ScriptedConsumerGroupDescription? group) => group is null ? "none"
        : $"{group.State} epoch {group.GroupEpoch}/{group.AssignmentEpoch}: " + string.Join("; ", group.Members.Select(m =>
            $"{m.ClientId} {m.MemberId} epoch {m.MemberEpoch} {m.State} assigned [{string.Join(",", m.Assigned.Select(p => p.Partition))}] revoking [{string.Join(",", m.PendingRevocation.Select(p => p.Partition))}]"));

    private static async Task ProduceAsync(string bootstrap, string topic, int from, int count)
    {
        var keys = Enumerable.Range(from, count).Select(i => (byte[]?)Encoding.UTF8.GetBytes($"key-{i}")).ToList();
        await ConfluentPeer.ProduceAsync(bootstrap, topic, "murmur2_random", keys, Deadline, Token);
    }

    private static async Task Until(Func<bool> condition, Func<string> why)
    {
        var met = await Observable.Interval(TimeSpan.FromMilliseconds(50)).StartWith(0).Select(_ => condition()).FirstOrDefaultAsync(ok => ok)
            .Timeout(Deadline, Observable.Return(false)).ToTask(Token);
        Assert.True(met, why());
    }
}
