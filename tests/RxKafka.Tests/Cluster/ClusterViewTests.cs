using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using static RxKafka.Tests.Cluster.Metadata;

namespace RxKafka.Tests.Cluster;

/// <summary><see cref="ClusterView"/> in virtual time: the snapshot subject (M3), change sets (M4), update outcomes (M6).</summary>
public sealed class ClusterViewTests : ReactiveTest
{
    private const string AnsweredBy = "broker-1.kafka.internal:9092";

    private static readonly MetadataResponse OrdersOnBroker1 = Response(Topic("orders", [Partition(0, 1, epoch: 1, replicas: [1, 2])]));
    private static readonly MetadataResponse OrdersMovedTo2 = Response(Topic("orders", [Partition(0, 2, epoch: 2, replicas: [1, 2], isr: [2])]));
    private static readonly MetadataResponse OrdersMovedTo2AndInvoices = Response(
        Topic("orders", [Partition(0, 2, epoch: 2, replicas: [1, 2], isr: [2])]),
        Topic("invoices", [Partition(0, 3, epoch: 1, replicas: [3])]));

    private readonly TestScheduler _scheduler = new();
    private readonly ClusterView _view = new(ClusterSnapshot.Empty);

    /// <summary>Applies each answer to the view at its virtual time, as the metadata synchronizer would.</summary>
    private void Answer(params Recorded<Notification<MetadataResponse>>[] answers) =>
        _scheduler.CreateHotObservable(answers).Subscribe(response => _view.Update(
            snapshot => snapshot.Apply(response, _scheduler.Now),
            new MetadataUpdate(_scheduler.Now, MetadataUpdateReason.MaxAge, ClusterSnapshot.Empty, AnsweredBy, null)));

    private void At(long ticks, Action action) => _scheduler.ScheduleAbsolute(action, ticks, static (_, run) =>
    {
        run();
        return System.Reactive.Disposables.Disposable.Empty;
    });

    private static Func<ClusterSnapshot, bool> Generation(long generation) => snapshot => snapshot.Generation == generation;

    [Fact]
    public void M3_a_subscriber_gets_the_current_snapshot_at_once_then_each_new_one()
    {
        var early = _scheduler.CreateObserver<ClusterSnapshot>();
        _view.Subscribe(early);
        Answer(OnNext(150, OrdersOnBroker1), OnNext(300, OrdersMovedTo2));

        var late = _scheduler.Start(() => _view.Snapshots);

        early.Messages.AssertEqual(
            OnNext(0, Generation(0)),
            OnNext(150, Generation(1)),
            OnNext(300, Generation(2)));
        late.Messages.AssertEqual(
            OnNext(Subscribed, Generation(1)),
            OnNext(300, Generation(2)));
        Assert.Same(_view.Current, late.Messages[^1].Value.Value);
        Assert.Equal(2, _view.Current.GetLeader("orders", 0));
    }

    [Fact]
    public void M4_Changes_emits_the_typed_changes_of_each_update_in_order()
    {
        Answer(OnNext(300, OrdersOnBroker1), OnNext(400, OrdersMovedTo2), OnNext(500, OrdersMovedTo2AndInvoices));

        var changes = _scheduler.Start(() => _view.Changes);

        // The first answer also brings the brokers and the controller.
        changes.Messages.AssertEqual(
            OnNext<ClusterChange>(300, new BrokerAdded(new(1, "broker-1.kafka.internal", 9092, "rack-a"))),
            OnNext<ClusterChange>(300, new BrokerAdded(new(2, "broker-2.kafka.internal", 9092, "rack-b"))),
            OnNext<ClusterChange>(300, new BrokerAdded(new(3, "broker-3.kafka.internal", 9092, "rack-c"))),
            OnNext<ClusterChange>(300, new ControllerChanged(-1, 1)),
            OnNext<ClusterChange>(300, new TopicAdded(Expected(OrdersOnBroker1.Topics[0]))),
            OnNext<ClusterChange>(400, new LeaderChanged("orders", 0, 1, 2, 1, 2)),
            OnNext<ClusterChange>(400, new IsrChanged("orders", 0, [1, 2], [2])),
            OnNext<ClusterChange>(500, new TopicAdded(Expected(OrdersMovedTo2AndInvoices.Topics[1]))));
    }

    [Fact]
    public void M4_LINQ_over_Changes_selects_the_leader_changes_of_one_topic()
    {
        Answer(OnNext(300, OrdersOnBroker1), OnNext(400, OrdersMovedTo2AndInvoices));

        var moves = _scheduler.Start(() =>
            from change in _view.Changes.OfType<LeaderChanged>()
            where change.Topic == "orders"
            select change.TopicPartition);

        moves.Messages.AssertEqual(OnNext(400, new TopicPartition("orders", 0)));
    }

    [Fact]
    public void M4_an_update_that_changes_nothing_emits_no_change_set()
    {
        var snapshots = _scheduler.CreateObserver<ClusterSnapshot>();
        var updates = _scheduler.CreateObserver<MetadataUpdate>();
        _view.Snapshots.Subscribe(snapshots);
        _view.Updates.Subscribe(updates);
        Answer(OnNext(300, OrdersOnBroker1), OnNext(400, OrdersOnBroker1), OnNext(500, OrdersMovedTo2));

        var changeSets = _scheduler.Start(() => _view.ChangeSets);

        changeSets.Messages.AssertEqual(
            OnNext<ClusterChangeSet>(300, set => set.Previous.Generation == 0 && set.Current.Generation == 1 && set.Changes.Count == 5),
            OnNext<ClusterChangeSet>(500, set => set.Previous.Generation == 2 && set.Current.Generation == 3 && set.Changes.Count == 2));
        // The snapshot is still renewed (a new generation, a new time) and the update reported.
        snapshots.Messages.AssertEqual(OnNext(0, Generation(0)), OnNext(300, Generation(1)), OnNext(400, Generation(2)), OnNext(500, Generation(3)));
        updates.Messages.AssertEqual(
            OnNext<MetadataUpdate>(300, u => u.Succeeded && u.Snapshot.Generation == 1 && u.Broker == AnsweredBy),
            OnNext<MetadataUpdate>(400, u => u.Succeeded && u.Snapshot.Generation == 2),
            OnNext<MetadataUpdate>(500, u => u.Succeeded && u.Snapshot.Generation == 3));
    }

    [Fact]
    public void M6_a_failed_update_shows_on_Updates_and_the_snapshot_stream_goes_on()
    {
        var failure = new KafkaConnectionException("broker-1.kafka.internal", 9092, "connection refused");
        var snapshots = _scheduler.CreateObserver<ClusterSnapshot>();
        _view.Snapshots.Subscribe(snapshots);
        Answer(OnNext(300, OrdersOnBroker1), OnNext(500, OrdersMovedTo2));
        At(400, () => _view.ReportFailure(new MetadataUpdate(_scheduler.Now, MetadataUpdateReason.Forced, _view.Current, null, failure)));

        var updates = _scheduler.Start(() => _view.Updates);

        updates.Messages.AssertEqual(
            OnNext<MetadataUpdate>(300, u => u.Succeeded),
            OnNext<MetadataUpdate>(400, u => !u.Succeeded && ReferenceEquals(u.Error, failure) && u.Snapshot.Generation == 1),
            OnNext<MetadataUpdate>(500, u => u.Succeeded && u.Snapshot.Generation == 2));
        snapshots.Messages.AssertEqual(OnNext(0, Generation(0)), OnNext(300, Generation(1)), OnNext(500, Generation(2)));
        Assert.Contains("failed", updates.Messages[1].Value.Value.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void M3_Dispose_completes_every_stream()
    {
        var snapshots = _scheduler.CreateObserver<ClusterSnapshot>();
        var changeSets = _scheduler.CreateObserver<ClusterChangeSet>();
        var changes = _scheduler.CreateObserver<ClusterChange>();
        _view.Snapshots.Subscribe(snapshots);
        _view.ChangeSets.Subscribe(changeSets);
        _view.Changes.Subscribe(changes);
        Answer(OnNext(300, OrdersOnBroker1));
        At(600, _view.Dispose);

        var updates = _scheduler.Start(() => _view.Updates);

        updates.Messages.AssertEqual(OnNext<MetadataUpdate>(300, u => u.Succeeded), OnCompleted<MetadataUpdate>(600));
        snapshots.Messages.AssertEqual(OnNext(0, Generation(0)), OnNext(300, Generation(1)), OnCompleted<ClusterSnapshot>(600));
        changeSets.Messages.AssertEqual(OnNext<ClusterChangeSet>(300, _ => true), OnCompleted<ClusterChangeSet>(600));
        Assert.Equal(5, changes.Messages.Count(m => m.Time == 300 && m.Value.Kind == NotificationKind.OnNext));
        Assert.Equal(OnCompleted<ClusterChange>(600), changes.Messages[^1]);
    }

    [Fact]
    public void M3_updates_from_several_threads_never_interleave()
    {
        const int PerThread = 500;
        var seen = new List<long>();
        using var subscription = _view.Snapshots.Subscribe(snapshot => seen.Add(snapshot.Generation));
        var broker = new BrokerNode(1, "broker-1.kafka.internal", 9092);

        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                _view.Update(s => s.WithCoordinator(CoordinatorType.Group, $"group-{thread}-{i}", broker, T0));
            }
        });

        Assert.Equal(4 * PerThread, _view.Current.Generation);
        Assert.Equal(4 * PerThread, _view.Current.Coordinators.Count);
        Assert.Equal(Enumerable.Range(0, (4 * PerThread) + 1).Select(g => (long)g), seen);
    }
}
