using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>
/// What the scripted cluster's KIP-848 group tests share: group "g" coordinated by broker 1, topic "t" of three
/// partitions, ConsumerGroupHeartbeat requests as a member sends them (a full join, a light heartbeat, one listing
/// the partitions it owns) and the partitions an answer assigns.
/// </summary>
public abstract class ScriptedClusterConsumerGroupsTestBed : ScriptedClusterGroupsTestBed
{
    /// <summary>A member's handle: its connection and the member id it names itself by (v1, KIP-1082).</summary>
    protected sealed record Consumer(KafkaConnection Connection, string Id, string? InstanceId = null);

    protected ScriptedConsumerGroupDescription ConsumerGroup => Cluster.DescribeConsumerGroup(G) ?? throw new InvalidOperationException("no consumer group g");

    protected Consumer NewConsumer(string clientId, string? instanceId = null) => new(Client(clientId), $"{clientId}-member-id", instanceId);

    /// <summary>A join (epoch 0): rebalance timeout, subscription and an empty owned list, as Kafka requires.</summary>
    protected static ConsumerGroupHeartbeatRequest Joining(Consumer consumer, params string[] topics) => new()
    {
        GroupId = G,
        MemberId = consumer.Id,
        MemberEpoch = 0,
        InstanceId = consumer.InstanceId,
        RebalanceTimeoutMs = RebalanceMs,
        SubscribedTopicNames = (topics.Length == 0 ? ["t"] : topics).ToList(),
        TopicPartitions = [],
    };

    /// <summary>A light heartbeat: member id and epoch only (nothing changed, owned partitions not said).</summary>
    protected static ConsumerGroupHeartbeatRequest Light(Consumer consumer, int epoch) =>
        new() { GroupId = G, MemberId = consumer.Id, MemberEpoch = epoch, InstanceId = consumer.InstanceId };

    protected ConsumerGroupHeartbeatResponse Beat(Consumer consumer, ConsumerGroupHeartbeatRequest request, short version = 1) =>
        Ask(consumer.Connection, request, version);

    /// <summary>The heartbeat, listing the owned partitions of "t".</summary>
    protected ConsumerGroupHeartbeatResponse BeatOwning(Consumer consumer, int epoch, params int[] partitions)
    {
        var request = Light(consumer, epoch);
        request.TopicPartitions = [new() { TopicId = Cluster.TopicId("t"), Partitions = partitions.ToList() }];
        return Beat(consumer, request);
    }

    /// <summary>The partitions of <paramref name="topic"/> an answer assigns, in order; the answer must carry an assignment.</summary>
    protected int[] Assigned(ConsumerGroupHeartbeatResponse response, string topic = "t")
    {
        Assert.True(response.Assignment is not null, $"the answer carries no assignment (error {Error(response.ErrorCode)}, epoch {response.MemberEpoch})");
        return response.Assignment.TopicPartitions.Where(t => t.TopicId == Cluster.TopicId(topic)).SelectMany(t => t.Partitions).Order().ToArray();
    }

    protected ScriptedConsumerGroupMember MemberOf(Consumer consumer) =>
        ConsumerGroup.Members.Single(m => m.MemberId == consumer.Id);

    /// <summary>Two members a and b of a stable group at epoch 2: a owns 0 and 1, b owns 2, after a revoked 2.</summary>
    protected (Consumer A, Consumer B) TwoStableMembers(string? instanceOfB = null)
    {
        var a = NewConsumer("a");
        var b = NewConsumer("b", instanceOfB);
        Assert.Equal([0, 1, 2], Assigned(Beat(a, Joining(a))));
        Assert.Equal([], Assigned(Beat(b, Joining(b))));
        Assert.Equal([0, 1], Assigned(Beat(a, Light(a, 1))));
        Assert.Equal(2, BeatOwning(a, 1, 0, 1).MemberEpoch);
        Assert.Equal([2], Assigned(Beat(b, Light(b, 2))));
        Assert.Equal((ScriptedConsumerGroupState.Stable, 2), (ConsumerGroup.State, ConsumerGroup.GroupEpoch));
        return (a, b);
    }
}
