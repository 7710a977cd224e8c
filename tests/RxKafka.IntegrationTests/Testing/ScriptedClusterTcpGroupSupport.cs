using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.Testing.Network;

namespace RxKafka.IntegrationTests.Testing;

/// <summary>What the group tests over TCP share: records written by a Confluent producer, and waiting for a condition on real time.</summary>
internal static class ScriptedClusterTcpGroupSupport
{
    /// <summary>How long a group over TCP may take to settle.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Writes records keyed "key-{from}".."key-{from + count - 1}" with Confluent.Kafka's murmur2 partitioner.</summary>
    public static async Task ProduceAsync(string bootstrap, string topic, int from, int count)
    {
        var keys = Enumerable.Range(from, count).Select(i => (byte[]?)Encoding.UTF8.GetBytes($"key-{i}")).ToList();
        await ConfluentPeer.ProduceAsync(bootstrap, topic, "murmur2_random", keys, Deadline, Token);
    }

    /// <summary>
    /// Waits until every member has partitions of <paramref name="topic"/>, together all of them and none twice,
    /// every record was read, every partition's committed offset is its log end, and <paramref name="groupSettled"/>
    /// (the coordinator's view) holds; fails naming the assignments, the reads and <paramref name="group"/>.
    /// </summary>
    public static Task Split(ScriptedCluster cluster, string topic, List<ConfluentGroupMember> members, int records, ConcurrentQueue<(string Member, int Partition, long Offset)> consumed, string groupName, Func<bool> groupSettled, Func<string> group)
    {
        var partitions = cluster.Partitions(topic).Count;
        int Read() => consumed.Select(c => (c.Partition, c.Offset)).Distinct().Count();
        return Until(
            () => members.All(m => m.Assignment.Length > 0)
                && members.SelectMany(m => m.Assignment).Order().SequenceEqual(Enumerable.Range(0, partitions))
                && Read() == records
                && Enumerable.Range(0, partitions).All(p => cluster.CommittedOffset(groupName, topic, p)?.Offset == cluster.Log(topic, p).Count)
                && groupSettled(),
            () => $"assignments {string.Join(" ", members.Select(m => $"{m.Name}=[{string.Join(",", m.Assignment)}]"))}, {Read()}/{records} read, "
                + $"group {group()}\n{string.Join("\n", members.Select(m => m.Log))}");
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails with <paramref name="why"/> after the deadline.</summary>
    public static async Task Until(Func<bool> condition, Func<string> why)
    {
        var met = await Observable.Interval(TimeSpan.FromMilliseconds(50)).StartWith(0).Select(_ => condition()).FirstOrDefaultAsync(ok => ok)
            .Timeout(Deadline, Observable.Return(false)).ToTask(Token);
        Assert.True(met, why());
    }
}
