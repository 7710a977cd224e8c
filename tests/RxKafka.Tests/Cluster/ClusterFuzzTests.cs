using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using static RxKafka.Tests.Cluster.Metadata;
using ResponseBroker = RxKafka.Protocol.Messages.MetadataResponse.MetadataResponseBroker;
using ResponsePartition = RxKafka.Protocol.Messages.MetadataResponse.MetadataResponsePartition;
using ResponseTopic = RxKafka.Protocol.Messages.MetadataResponse.MetadataResponseTopic;

namespace RxKafka.Tests.Cluster;

/// <summary>
/// Random histories of Metadata answers (every version, every kind of error, named and unnamed
/// requests, recreated topics, stale epochs) and coordinator lookups, applied in turn: nothing
/// throws, nothing is mutated, the snapshot stays consistent, and the diff of each step is
/// complete (replaying it turns the old state into the new one) and symmetric (M1, M2, M4, M5).
/// </summary>
public sealed class ClusterFuzzTests
{
    private static readonly string[] Names = ["orders", "invoices", "Payments", "__consumer_offsets", "audit.log-v2"];

    // Two ids per name: the second one is the topic deleted and created again.
    private static readonly Guid[][] Ids = Names.Select((_, i) => new[] { new Guid(i + 1, 0, 0, new byte[8]), new Guid(i + 1, 1, 0, new byte[8]) }).ToArray();

    private static readonly int[] NodeIds = [1, 2, 3, 4, 5];

    [Fact]
    public void M2_M4_random_histories_apply_without_throwing_and_diff_completely_and_symmetrically()
    {
        var history = Gen.ListOf(Gen.Frequency((4, Answers()), (1, CoordinatorLookups()))).ToArbitrary();
        var config = Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true);

        Check.One(config, Prop.ForAll(history, steps =>
        {
            var snapshot = ClusterSnapshot.FromBootstrap([new BrokerEndpoint("seed-1", 9092), new BrokerEndpoint("seed-2", 9092)]);
            foreach (var step in steps)
            {
                snapshot = CheckStep(snapshot, step);
            }
        }));
    }

    private static ClusterSnapshot CheckStep(ClusterSnapshot previous, Step step)
    {
        var before = Dump(previous);
        var next = step.ApplyTo(previous);

        Assert.Equal(before, Dump(previous)); // M1: applying is pure
        Assert.True(ReferenceEquals(previous, next) || next.Generation == previous.Generation + 1, $"generation {previous.Generation} -> {next.Generation}");
        AssertConsistent(next);

        var forward = ClusterDiff.Between(previous, next);
        var backward = ClusterDiff.Between(next, previous);
        Assert.Equal(Sorted(forward), Sorted(backward.Select(Invert)));
        Assert.Equal(State.Of(next).ToString(), State.Of(previous).Replay(forward).ToString());

        if (step is Answer answer && answer.Response.Topics.All(t => t.Name is not null))
        {
            // The same answer again changes nothing, and reuses every topic and broker. (Not so for
            // v12 topics without a name: one that became unauthorized is no longer known by its id.)
            var again = answer.ApplyTo(next);
            Assert.Empty(ClusterDiff.Between(next, again));
            Assert.Same(next.Topics, again.Topics);
            Assert.Same(next.Brokers, again.Brokers);
            Assert.Same(next.TopicErrors, again.TopicErrors);
            Assert.Same(next.UnauthorizedTopics, again.UnauthorizedTopics);
            Assert.Same(next.InternalTopics, again.InternalTopics);
        }

        return next;
    }

    private static void AssertConsistent(ClusterSnapshot snapshot)
    {
        foreach (var (name, topic) in snapshot.Topics)
        {
            Assert.Equal(name, topic.Name);
            Assert.DoesNotContain(name, snapshot.UnauthorizedTopics);
            Assert.All(topic.Partitions, p => Assert.Equal(name, p.Topic));
            Assert.True(topic.Partitions.Zip(topic.Partitions.Skip(1)).All(p => p.First.Partition < p.Second.Partition), $"{name}: partitions out of order");
            Assert.Equal(topic.Partitions.Select(p => p.Partition), snapshot.GetPartitions(name)!);
            Assert.Equal(topic.Partitions.Where(p => p.Leader >= 0).Select(p => p.Partition), snapshot.GetAvailablePartitions(name));
            Assert.All(topic.Partitions, p => Assert.Same(p, snapshot.GetPartition(name, p.Partition)));
            Assert.All(topic.Partitions, p => Assert.Equal(p.Leader, snapshot.GetLeader(name, p.Partition)));
            if (topic.TopicId != Guid.Empty)
            {
                Assert.Equal(name, snapshot.GetTopicName(topic.TopicId));
            }
        }

        foreach (var (name, error) in snapshot.TopicErrors)
        {
            Assert.DoesNotContain(name, snapshot.UnauthorizedTopics);
            Assert.NotEqual(ErrorCode.None, error);
            Assert.NotEqual(ErrorCode.TopicAuthorizationFailed, error);
        }

        var led = snapshot.Topics.Values.SelectMany(t => t.Partitions).Where(p => p.Leader >= 0).ToLookup(p => p.Leader, p => p.TopicPartition);
        foreach (var node in NodeIds.Append(-1))
        {
            Assert.Equal(led[node].OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition), snapshot.GetPartitionsLedBy(node));
        }

        Assert.Equal(snapshot.Topics.Values.Where(t => !t.IsInternal).Select(t => t.Name).Order(StringComparer.Ordinal), snapshot.GetTopics(includeInternal: false));
        Assert.Equal(
            snapshot.Brokers.Count == 0 ? snapshot.BootstrapBrokers : snapshot.Brokers.Values.OrderBy(b => b.NodeId),
            snapshot.GetBrokers());
    }

    private static List<ClusterChange> Sorted(IEnumerable<ClusterChange> changes) =>
        changes.OrderBy(c => c.GetType().Name, StringComparer.Ordinal).ThenBy(c => c.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>The change that undoes <paramref name="change"/>: what the diff from the new snapshot to the old must hold.</summary>
    private static ClusterChange Invert(ClusterChange change) => change switch
    {
        BrokerAdded c => new BrokerRemoved(c.Broker),
        BrokerRemoved c => new BrokerAdded(c.Broker),
        BrokerEndpointChanged c => new BrokerEndpointChanged(c.Broker, c.PreviousBroker),
        ControllerChanged c => new ControllerChanged(c.ControllerId, c.PreviousControllerId),
        TopicAdded c => new TopicRemoved(c.Metadata),
        TopicRemoved c => new TopicAdded(c.Metadata),
        TopicErrorChanged c => c with { PreviousError = c.Error, Error = c.PreviousError },
        PartitionsAdded c => new PartitionsRemoved(c.Topic, c.Partitions),
        PartitionsRemoved c => new PartitionsAdded(c.Topic, c.Partitions),
        LeaderChanged c => c with { PreviousLeader = c.Leader, Leader = c.PreviousLeader, PreviousLeaderEpoch = c.LeaderEpoch, LeaderEpoch = c.PreviousLeaderEpoch },
        IsrChanged c => c with { PreviousIsr = c.Isr, Isr = c.PreviousIsr },
        ReplicasChanged c => c with { PreviousReplicas = c.Replicas, Replicas = c.PreviousReplicas },
        OfflineReplicasChanged c => c with { PreviousOfflineReplicas = c.OfflineReplicas, OfflineReplicas = c.PreviousOfflineReplicas },
        CoordinatorChanged c => c with { PreviousCoordinator = c.Coordinator, Coordinator = c.PreviousCoordinator },
        _ => throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change)),
    };

    private static Gen<Step> Answers() =>
        from version in Gen.Choose(0, 12).Select(v => (short)v)
        from brokerIds in Gen.SubListOf(NodeIds)
        from brokers in Gen.CollectToArray(brokerIds, BrokerOf)
        from controller in Gen.Choose(-1, 5)
        from clusterId in Gen.Elements<string?>(null, "cluster-a", "cluster-b")
        from topicIndexes in Gen.SubListOf(Enumerable.Range(0, Names.Length))
        from topics in Gen.CollectToArray(topicIndexes, i => TopicOf(version, i))
        from requested in Gen.Frequency((2, Gen.Constant<string[]?>(null)), (1, Gen.SubListOf(Names).Select(names => (string[]?)names.ToArray())))
        select (Step)new Answer(version, Response(topics, controller, clusterId, brokers), requested);

    private static Gen<ResponseBroker> BrokerOf(int id) =>
        from domain in Gen.Elements("kafka.internal", "kafka.example")
        from port in Gen.Elements(9092, 9093)
        from rack in Gen.Elements<string?>(null, "rack-a", "rack-b")
        select Broker(id, rack, $"broker-{id}.{domain}", port);

    private static Gen<ResponseTopic> TopicOf(short version, int nameIndex) =>
        from recreated in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from indexes in Gen.SubListOf(Enumerable.Range(0, 5))
        from partitions in Gen.CollectToArray(indexes, PartitionOf)
        from answered in Gen.Shuffle(partitions)
        from error in Gen.Frequency(
            (8, Gen.Constant(ErrorCode.None)),
            (1, Gen.Elements(ErrorCode.UnknownTopicOrPartition, ErrorCode.LeaderNotAvailable, ErrorCode.TopicAuthorizationFailed, ErrorCode.InvalidTopicException)))
        from isInternal in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from nameless in version >= 12 ? Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true))) : Gen.Constant(false)
        select Topic(
            nameless ? null : Names[nameIndex],
            error == ErrorCode.TopicAuthorizationFailed ? [] : answered,
            Ids[nameIndex][recreated ? 1 : 0],
            isInternal,
            error);

    private static Gen<ResponsePartition> PartitionOf(int index) =>
        from leader in Gen.Choose(-1, 5)
        from epoch in Gen.Choose(0, 4)
        from replicas in Gen.SubListOf(NodeIds)
        from isr in Gen.SubListOf(NodeIds)
        from offline in Gen.Frequency((4, Gen.Constant(Array.Empty<int>())), (1, Gen.SubListOf(NodeIds).Select(nodes => nodes.ToArray())))
        from error in Gen.Frequency((6, Gen.Constant(ErrorCode.None)), (1, Gen.Elements(ErrorCode.LeaderNotAvailable, ErrorCode.ReplicaNotAvailable)))
        select Partition(index, leader, epoch, [.. replicas], [.. isr], [.. offline], error);

    private static Gen<Step> CoordinatorLookups() =>
        from type in Gen.Elements(CoordinatorType.Group, CoordinatorType.Transaction)
        from key in Gen.Elements("billing", "shipping")
        from node in Gen.Elements<int?>(null, 1, 2, 3)
        select (Step)new FoundCoordinator(type, key, node);

    /// <summary>One step of a cluster's history.</summary>
    public abstract record Step
    {
        public abstract ClusterSnapshot ApplyTo(ClusterSnapshot snapshot);
    }

    /// <summary>A Metadata answer at a version, to a request for every topic (null) or for some.</summary>
    public sealed record Answer(short Version, MetadataResponse Response, string[]? Requested) : Step
    {
        public override ClusterSnapshot ApplyTo(ClusterSnapshot snapshot) => snapshot.Apply(Response.AtVersion(Version), T0, Requested);

        public override string ToString() =>
            $"v{Version} for {(Requested is null ? "all" : "[" + string.Join(",", Requested) + "]")}: controller {Response.ControllerId} brokers [{string.Join(",", Response.Brokers.Select(b => $"{b.NodeId}@{b.Host}:{b.Port}/{b.Rack}"))}] topics "
            + string.Join("; ", Response.Topics.Select(t =>
                $"{t.Name ?? "(null)"} {t.TopicId.ToString()[..8]} e{t.ErrorCode}{(t.IsInternal ? " internal" : "")} "
                + string.Join(" ", t.Partitions.Select(p => $"p{p.PartitionIndex}:l{p.LeaderId}/e{p.LeaderEpoch}/r[{string.Join(",", p.ReplicaNodes)}]/i[{string.Join(",", p.IsrNodes)}]/o[{string.Join(",", p.OfflineReplicas)}]/err{p.ErrorCode}"))));
    }

    /// <summary>A coordinator found on a broker, or forgotten (null).</summary>
    public sealed record FoundCoordinator(CoordinatorType Type, string Key, int? NodeId) : Step
    {
        public override ClusterSnapshot ApplyTo(ClusterSnapshot snapshot) =>
            NodeId is int id
                ? snapshot.WithCoordinator(Type, Key, snapshot.GetBroker(id) ?? new BrokerNode(id, $"broker-{id}.kafka.internal", 9092), T0)
                : snapshot.WithoutCoordinator(Type, Key, T0);
    }

    /// <summary>
    /// What the changes describe of a snapshot (not partition errors, internal flags, topic ids or the
    /// cluster id): replaying a diff on the old state must give the new one, and each change's
    /// "previous" side must match the state it is replayed on.
    /// </summary>
    private sealed class State
    {
        private readonly SortedDictionary<int, BrokerNode> _brokers = new();
        private readonly SortedDictionary<string, SortedDictionary<int, PartitionState>> _topics = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, ErrorCode> _errors = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, BrokerNode> _coordinators = new(StringComparer.Ordinal);
        private int _controller;

        public static State Of(ClusterSnapshot snapshot)
        {
            var state = new State { _controller = snapshot.ControllerId };
            foreach (var broker in snapshot.Brokers.Values)
            {
                state._brokers.Add(broker.NodeId, broker);
            }

            foreach (var topic in snapshot.Topics.Values)
            {
                state.AddTopic(topic);
            }

            foreach (var (name, error) in snapshot.TopicErrors)
            {
                state._errors.Add(name, error);
            }

            foreach (var name in snapshot.UnauthorizedTopics)
            {
                state._errors.Add(name, ErrorCode.TopicAuthorizationFailed);
            }

            foreach (var (key, broker) in snapshot.Coordinators)
            {
                state._coordinators.Add(key.ToString(), broker);
            }

            return state;
        }

        public State Replay(IEnumerable<ClusterChange> changes)
        {
            foreach (var change in changes)
            {
                Replay(change);
            }

            return this;
        }

        public override string ToString() =>
            $"controller {_controller}\n"
            + string.Concat(_brokers.Values.Select(b => $"broker {b}\n"))
            + string.Concat(_topics.Select(t => $"topic {t.Key}\n" + string.Concat(t.Value.Select(p => $"  {p.Key}: {p.Value}\n"))))
            + string.Concat(_errors.Select(e => $"error {e.Key}: {e.Value}\n"))
            + string.Concat(_coordinators.Select(c => $"coordinator {c.Key}: {c.Value}\n"));

        private void AddTopic(TopicMetadata topic)
        {
            Assert.False(_topics.ContainsKey(topic.Name), $"topic {topic.Name} added twice");
            _topics.Add(topic.Name, new SortedDictionary<int, PartitionState>(topic.Partitions.ToDictionary(p => p.Partition, PartitionState.Of)));
        }

        private PartitionState PartitionOf(string topic, int partition) => _topics[topic][partition];

        private void Replay(ClusterChange change)
        {
            switch (change)
            {
                case BrokerAdded c:
                    _brokers.Add(c.Broker.NodeId, c.Broker);
                    break;
                case BrokerRemoved c:
                    Assert.Equal(c.Broker, _brokers[c.Broker.NodeId]);
                    _brokers.Remove(c.Broker.NodeId);
                    break;
                case BrokerEndpointChanged c:
                    Assert.Equal(c.PreviousBroker, _brokers[c.Broker.NodeId]);
                    _brokers[c.Broker.NodeId] = c.Broker;
                    break;
                case ControllerChanged c:
                    Assert.Equal(c.PreviousControllerId, _controller);
                    _controller = c.ControllerId;
                    break;
                case TopicAdded c:
                    AddTopic(c.Metadata);
                    break;
                case TopicRemoved c:
                    Assert.Equal(c.Metadata.Partitions.Select(p => PartitionState.Of(p).ToString()), _topics[c.Topic].Values.Select(p => p.ToString()));
                    _topics.Remove(c.Topic);
                    break;
                case TopicErrorChanged c:
                    Assert.Equal(c.PreviousError, _errors.GetValueOrDefault(c.Topic, ErrorCode.None));
                    if (c.Error == ErrorCode.None)
                    {
                        _errors.Remove(c.Topic);
                    }
                    else
                    {
                        _errors[c.Topic] = c.Error;
                    }

                    break;
                case PartitionsAdded c:
                    Assert.NotEmpty(c.Partitions);
                    foreach (var p in c.Partitions)
                    {
                        _topics[c.Topic].Add(p.Partition, PartitionState.Of(p));
                    }

                    break;
                case PartitionsRemoved c:
                    Assert.NotEmpty(c.Partitions);
                    foreach (var p in c.Partitions)
                    {
                        Assert.Equal(PartitionState.Of(p).ToString(), PartitionOf(c.Topic, p.Partition).ToString());
                        _topics[c.Topic].Remove(p.Partition);
                    }

                    break;
                case LeaderChanged c:
                    var led = PartitionOf(c.Topic, c.Partition);
                    Assert.Equal((c.PreviousLeader, c.PreviousLeaderEpoch), (led.Leader, led.LeaderEpoch));
                    Assert.NotEqual((c.PreviousLeader, c.PreviousLeaderEpoch), (c.Leader, c.LeaderEpoch));
                    (led.Leader, led.LeaderEpoch) = (c.Leader, c.LeaderEpoch);
                    break;
                case IsrChanged c:
                    PartitionOf(c.Topic, c.Partition).Isr = Replaced(PartitionOf(c.Topic, c.Partition).Isr, c.PreviousIsr, c.Isr);
                    break;
                case ReplicasChanged c:
                    PartitionOf(c.Topic, c.Partition).Replicas = Replaced(PartitionOf(c.Topic, c.Partition).Replicas, c.PreviousReplicas, c.Replicas);
                    break;
                case OfflineReplicasChanged c:
                    PartitionOf(c.Topic, c.Partition).OfflineReplicas = Replaced(PartitionOf(c.Topic, c.Partition).OfflineReplicas, c.PreviousOfflineReplicas, c.OfflineReplicas);
                    break;
                case CoordinatorChanged c:
                    var key = new CoordinatorKey(c.Type, c.Key).ToString();
                    Assert.Equal(c.PreviousCoordinator, _coordinators.GetValueOrDefault(key));
                    Assert.NotEqual(c.PreviousCoordinator, c.Coordinator);
                    if (c.Coordinator is null)
                    {
                        _coordinators.Remove(key);
                    }
                    else
                    {
                        _coordinators[key] = c.Coordinator;
                    }

                    break;
                default:
                    Assert.Fail($"unknown change {change.GetType().Name}");
                    break;
            }
        }

        private static ImmutableArray<int> Replaced(ImmutableArray<int> current, ImmutableArray<int> previous, ImmutableArray<int> next)
        {
            Assert.Equal(string.Join(",", previous), string.Join(",", current));
            Assert.NotEqual(string.Join(",", previous), string.Join(",", next));
            return next;
        }
    }

    private sealed class PartitionState
    {
        public int Leader { get; set; }

        public int LeaderEpoch { get; set; }

        public ImmutableArray<int> Replicas { get; set; }

        public ImmutableArray<int> Isr { get; set; }

        public ImmutableArray<int> OfflineReplicas { get; set; }

        public static PartitionState Of(PartitionMetadata p) =>
            new() { Leader = p.Leader, LeaderEpoch = p.LeaderEpoch, Replicas = p.Replicas, Isr = p.Isr, OfflineReplicas = p.OfflineReplicas };

        public override string ToString() =>
            $"leader {Leader} epoch {LeaderEpoch} replicas [{string.Join(",", Replicas)}] isr [{string.Join(",", Isr)}] offline [{string.Join(",", OfflineReplicas)}]";
    }
}
