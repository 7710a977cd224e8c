using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
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

        // Each collection that comes out equal to this snapshot's is this snapshot's own object, so
        // that ClusterDiff skips it by reference and the caches built from it carry over.
        var brokers = new Dictionary<int, BrokerNode>(response.Brokers.Count);
        var brokersChanged = false;
        foreach (var b in response.Brokers)
        {
            if (!Brokers.TryGetValue(b.NodeId, out var node) || node.Host != b.Host || node.Port != b.Port || node.Rack != b.Rack)
            {
                node = new BrokerNode(b.NodeId, b.Host, b.Port, b.Rack);
                brokersChanged = true;
            }

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

        var topicsChanged = false;
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
            var topic = BuildTopic(name, t, isInternal, error, previous);
            topicsChanged |= !ReferenceEquals(topic, previous);
            topics[name] = topic;
        }

        // Unless something changed, every value is this snapshot's own under the same key, so equal counts mean equal key sets.
        var next = new ClusterSnapshot(
            Generation + 1,
            updatedAt,
            response.ClusterId,
            response.ControllerId,
            brokersChanged || brokers.Count != Brokers.Count ? new ReadOnlyDictionary<int, BrokerNode>(brokers) : Brokers,
            BootstrapBrokers,
            topicsChanged || topics.Count != Topics.Count ? new ReadOnlyDictionary<string, TopicMetadata>(topics) : Topics,
            errors.Count == 0 ? NoErrors : SameErrors(errors, TopicErrors) ? TopicErrors : new ReadOnlyDictionary<string, ErrorCode>(errors),
            unauthorized.Count == 0 ? NoNames : SameNames(unauthorized, UnauthorizedTopics) ? UnauthorizedTopics : unauthorized.ToFrozenSet(StringComparer.Ordinal),
            internals.Count == 0 ? NoNames : SameNames(internals, InternalTopics) ? InternalTopics : internals.ToFrozenSet(StringComparer.Ordinal),
            Coordinators);
        next.CarryCachesFrom(this);
        return next;
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

    private ClusterSnapshot WithCoordinators(Dictionary<CoordinatorKey, BrokerNode> coordinators, DateTimeOffset updatedAt)
    {
        var next = new ClusterSnapshot(Generation + 1, updatedAt, ClusterId, ControllerId, Brokers, BootstrapBrokers, Topics, TopicErrors, UnauthorizedTopics, InternalTopics,
            coordinators.Count == 0 ? NoCoordinators : new ReadOnlyDictionary<CoordinatorKey, BrokerNode>(coordinators));
        next.CarryCachesFrom(this);
        return next;
    }

    private static bool SameErrors(Dictionary<string, ErrorCode> errors, IReadOnlyDictionary<string, ErrorCode> known)
    {
        if (errors.Count != known.Count)
        {
            return false;
        }

        foreach (var (name, error) in errors)
        {
            if (!known.TryGetValue(name, out var knownError) || knownError != error)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameNames(HashSet<string> names, IReadOnlySet<string> known) => names.Count == known.Count && known.SetEquals(names);

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
        var known = sameTopic ? previous!.Partitions : ImmutableArray<PartitionMetadata>.Empty;
        var reusable = sameTopic && known.Length == answered.Count && previous!.IsInternal == isInternal
            && previous.Error == error && previous.TopicId == t.TopicId;

        // Most answers change nothing: no partition list is built while every partition is the known
        // one at the same position.
        ImmutableArray<PartitionMetadata>.Builder? partitions = null;
        for (var i = 0; i < answered.Count; i++)
        {
            var p = answered[i];
            var old = sameTopic ? previous!.GetPartition(p.PartitionIndex) : null;

            // KIP-320: an older leader epoch comes from a broker that has not seen the newer one yet.
            var partition = old is not null && (Same(old, p) || (p.LeaderEpoch >= 0 && old.LeaderEpoch > p.LeaderEpoch))
                ? old
                : NewPartition(name, p);
            if (partitions is null)
            {
                if (reusable && ReferenceEquals(partition, known[i]))
                {
                    continue;
                }

                partitions = ImmutableArray.CreateBuilder<PartitionMetadata>(answered.Count);
                for (var j = 0; j < i; j++)
                {
                    partitions.Add(known[j]);
                }
            }

            partitions.Add(partition);
        }

        if (partitions is null && reusable)
        {
            return previous!;
        }

        return new TopicMetadata(name, t.TopicId, isInternal, partitions?.MoveToImmutable() ?? ImmutableArray<PartitionMetadata>.Empty, error);
    }

    private static PartitionMetadata NewPartition(string topic, MetadataResponse.MetadataResponsePartition p)
    {
        var replicas = ToNodes(p.ReplicaNodes);

        // The ISR is usually every replica: share the array.
        var isr = SameNodes(replicas, p.IsrNodes) ? replicas : ToNodes(p.IsrNodes);
        return new PartitionMetadata(topic, p.PartitionIndex, p.LeaderId, p.LeaderEpoch, replicas, isr, ToNodes(p.OfflineReplicas), (ErrorCode)p.ErrorCode);
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
