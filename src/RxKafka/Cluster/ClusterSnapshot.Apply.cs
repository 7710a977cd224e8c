using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;

namespace RxKafka.Cluster;

// M2: applying a Metadata answer is a pure function (old snapshot, response) → new snapshot.
public sealed partial class ClusterSnapshot
{
    /// <summary>
    /// The snapshot after <paramref name="response"/> (any Metadata version). Pure: this snapshot is
    /// not changed. Topics, partitions and brokers equal to this snapshot's are kept as the same
    /// objects, so a diff of the two is cheap.
    /// </summary>
    /// <param name="response">The broker's Metadata answer.</param>
    /// <param name="updatedAt">The time of the update (the client's scheduler time).</param>
    /// <param name="requestedTopics">
    /// The topics the request named, or null when it asked for every topic. With null the answer
    /// replaces every topic; otherwise only the named topics and the topics in the answer are replaced
    /// (a named topic missing from the answer is dropped) and the others are kept.
    /// </param>
    /// <remarks>
    /// Partitions whose leader is -1 are kept, as known but unavailable. TOPIC_AUTHORIZATION_FAILED
    /// puts a topic in <see cref="UnauthorizedTopics"/>; any other topic error is kept in
    /// <see cref="TopicErrors"/> (and on the topic, when the broker still listed partitions). A
    /// partition whose leader epoch is older than the one already known is stale (KIP-320) and
    /// the known one is kept. Coordinators and bootstrap addresses carry over.
    /// </remarks>
    public ClusterSnapshot Apply(MetadataResponse response, DateTimeOffset updatedAt, IReadOnlyCollection<string>? requestedTopics = null)
    {
        ArgumentNullException.ThrowIfNull(response);

        var brokers = new Dictionary<int, BrokerNode>(response.Brokers.Count);
        foreach (var b in response.Brokers)
        {
            var node = Brokers.TryGetValue(b.NodeId, out var known) && known.Host == b.Host && known.Port == b.Port && known.Rack == b.Rack
                ? known
                : new BrokerNode(b.NodeId, b.Host, b.Port, b.Rack);
            brokers[b.NodeId] = node;
        }

        // Requests for every topic replace them all; requests for some replace just those.
        Dictionary<string, TopicMetadata> topics;
        Dictionary<string, ErrorCode> errors;
        HashSet<string> unauthorized, internals;
        if (requestedTopics is null)
        {
            topics = new Dictionary<string, TopicMetadata>(response.Topics.Count, StringComparer.Ordinal);
            errors = new Dictionary<string, ErrorCode>(StringComparer.Ordinal);
            unauthorized = new HashSet<string>(StringComparer.Ordinal);
            internals = new HashSet<string>(StringComparer.Ordinal);
        }
        else
        {
            topics = new Dictionary<string, TopicMetadata>(Topics.Count + response.Topics.Count, StringComparer.Ordinal);
            foreach (var (name, topic) in Topics)
            {
                topics[name] = topic;
            }

            errors = new Dictionary<string, ErrorCode>(TopicErrors, StringComparer.Ordinal);
            unauthorized = new HashSet<string>(UnauthorizedTopics, StringComparer.Ordinal);
            internals = new HashSet<string>(InternalTopics, StringComparer.Ordinal);
            foreach (var name in requestedTopics)
            {
                topics.Remove(name);
                errors.Remove(name);
                unauthorized.Remove(name);
                internals.Remove(name);
            }
        }

        foreach (var t in response.Topics)
        {
            // Metadata v12 may leave the name out of a topic asked for by id.
            var name = t.Name ?? (t.TopicId != Guid.Empty ? GetTopicName(t.TopicId) : null);
            if (name is null)
            {
                continue;
            }

            if (requestedTopics is not null)
            {
                // Answered, so replaced, even when not named (a topic asked for by id has no name to give).
                topics.Remove(name);
                errors.Remove(name);
                unauthorized.Remove(name);
                internals.Remove(name);
            }

            var error = (ErrorCode)t.ErrorCode;
            if (error == ErrorCode.TopicAuthorizationFailed)
            {
                unauthorized.Add(name);
                continue;
            }

            var isInternal = t.IsInternal || IsKnownInternalTopic(name);
            if (isInternal)
            {
                internals.Add(name);
            }

            if (error != ErrorCode.None)
            {
                errors[name] = error;
                if (t.Partitions.Count == 0)
                {
                    continue;
                }
            }

            Topics.TryGetValue(name, out var previous);
            topics[name] = BuildTopic(name, t, isInternal, error, previous);
        }

        return new ClusterSnapshot(
            Generation + 1,
            updatedAt,
            response.ClusterId,
            response.ControllerId,
            new ReadOnlyDictionary<int, BrokerNode>(brokers),
            BootstrapBrokers,
            new ReadOnlyDictionary<string, TopicMetadata>(topics),
            errors.Count == 0 ? NoErrors : new ReadOnlyDictionary<string, ErrorCode>(errors),
            unauthorized.Count == 0 ? NoNames : unauthorized.ToFrozenSet(StringComparer.Ordinal),
            internals.Count == 0 ? NoNames : internals.ToFrozenSet(StringComparer.Ordinal),
            Coordinators);
    }

    /// <summary>
    /// The snapshot with <paramref name="coordinator"/> recorded for a group or transactional id,
    /// replacing the one recorded before for the same purpose (K7).
    /// </summary>
    public ClusterSnapshot WithCoordinator(CoordinatorType type, string key, BrokerNode coordinator, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(coordinator);
        var coordinators = new Dictionary<CoordinatorKey, BrokerNode>(Coordinators) { [new CoordinatorKey(type, key)] = coordinator };
        return WithCoordinators(coordinators, updatedAt);
    }

    /// <summary>The snapshot without a coordinator for a group or transactional id (after NOT_COORDINATOR, say).</summary>
    public ClusterSnapshot WithoutCoordinator(CoordinatorType type, string key, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        var coordinators = new Dictionary<CoordinatorKey, BrokerNode>(Coordinators);
        return coordinators.Remove(new CoordinatorKey(type, key)) ? WithCoordinators(coordinators, updatedAt) : this;
    }

    private ClusterSnapshot WithCoordinators(Dictionary<CoordinatorKey, BrokerNode> coordinators, DateTimeOffset updatedAt) =>
        new(Generation + 1, updatedAt, ClusterId, ControllerId, Brokers, BootstrapBrokers, Topics, TopicErrors, UnauthorizedTopics, InternalTopics,
            coordinators.Count == 0 ? NoCoordinators : new ReadOnlyDictionary<CoordinatorKey, BrokerNode>(coordinators));

    // Kafka's own topics, for Metadata v0, which has no IsInternal flag.
    private static bool IsKnownInternalTopic(string name) => name is "__consumer_offsets" or "__transaction_state";

    private static TopicMetadata BuildTopic(string name, MetadataResponse.MetadataResponseTopic t, bool isInternal, ErrorCode error, TopicMetadata? previous)
    {
        var answered = t.Partitions;
        if (!IsSorted(answered))
        {
            answered = answered.OrderBy(p => p.PartitionIndex).ToList();
        }

        // A recreated topic (new id) shares nothing with the old one.
        var sameTopic = previous is not null && (previous.TopicId == t.TopicId || previous.TopicId == Guid.Empty || t.TopicId == Guid.Empty);
        var partitions = ImmutableArray.CreateBuilder<PartitionMetadata>(answered.Count);
        var allSame = sameTopic && previous!.Partitions.Length == answered.Count && previous.IsInternal == isInternal
            && previous.Error == error && previous.TopicId == t.TopicId;
        foreach (var p in answered)
        {
            var old = sameTopic ? previous!.GetPartition(p.PartitionIndex) : null;
            PartitionMetadata partition;
            if (old is not null && Same(old, p))
            {
                partition = old;
            }
            else if (old is not null && p.LeaderEpoch >= 0 && old.LeaderEpoch > p.LeaderEpoch)
            {
                // KIP-320: an answer from a broker that has not seen the newer leader epoch yet.
                partition = old;
            }
            else
            {
                partition = new PartitionMetadata(
                    name,
                    p.PartitionIndex,
                    p.LeaderId,
                    p.LeaderEpoch,
                    ToNodes(p.ReplicaNodes),
                    ToNodes(p.IsrNodes),
                    ToNodes(p.OfflineReplicas),
                    (ErrorCode)p.ErrorCode);
                allSame = false;
            }

            partitions.Add(partition);
        }

        return allSame ? previous! : new TopicMetadata(name, t.TopicId, isInternal, partitions.MoveToImmutable(), error);
    }

    private static bool IsSorted(List<MetadataResponse.MetadataResponsePartition> partitions)
    {
        for (var i = 1; i < partitions.Count; i++)
        {
            if (partitions[i - 1].PartitionIndex > partitions[i].PartitionIndex)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(PartitionMetadata old, MetadataResponse.MetadataResponsePartition p) =>
        old.Leader == p.LeaderId
        && old.LeaderEpoch == p.LeaderEpoch
        && old.Error == (ErrorCode)p.ErrorCode
        && SameNodes(old.Replicas, p.ReplicaNodes)
        && SameNodes(old.Isr, p.IsrNodes)
        && SameNodes(old.OfflineReplicas, p.OfflineReplicas);

    private static bool SameNodes(ImmutableArray<int> known, List<int> answered) =>
        known.IsDefaultOrEmpty ? answered.Count == 0 : known.AsSpan().SequenceEqual(CollectionsMarshal.AsSpan(answered));

    private static ImmutableArray<int> ToNodes(List<int> nodes) =>
        nodes.Count == 0 ? ImmutableArray<int>.Empty : ImmutableArray.Create(CollectionsMarshal.AsSpan(nodes));
}
