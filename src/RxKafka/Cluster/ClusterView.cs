using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxKafka.Reactive;

namespace RxKafka.Cluster;

/// <summary>
/// The live cluster: the current <see cref="ClusterSnapshot"/> held in a <c>BehaviorSubject</c>
/// (M3), so a subscriber gets the current snapshot at once and every later one; the typed changes
/// between consecutive snapshots (M4); and the outcome of every metadata update, failures included
/// (M6). Subscribing is how to listen: there are no listener callbacks.
/// </summary>
public sealed class ClusterView : IObservable<ClusterSnapshot>, IDisposable
{
    private readonly object _gate = new();
    private readonly BehaviorSubject<ClusterSnapshot> _snapshots;
    private readonly Subject<ClusterChangeSet> _changeSets = new();
    private readonly Subject<MetadataUpdate> _updates = new();
    private readonly Queue<Action> _emissions = new();
    private readonly SerialExecutor _emitter;
    private volatile ClusterSnapshot _current;
    private bool _disposed;

    internal ClusterView(ClusterSnapshot initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
        _emitter = SerialExecutor.Trampoline(EmitQueued);
        _snapshots = new BehaviorSubject<ClusterSnapshot>(initial);
        Snapshots = _snapshots.AsObservable();
        ChangeSets = _changeSets.AsObservable();
        Changes = _changeSets.SelectMany(set => set.Changes);
        Updates = _updates.AsObservable();
    }

    /// <summary>The current snapshot. It is already the new one while subscribers hear about an update.</summary>
    public ClusterSnapshot Current => _current;

    /// <summary>The current snapshot at once, then each new one. Completes when the client is disposed.</summary>
    public IObservable<ClusterSnapshot> Snapshots { get; }

    /// <summary>
    /// Each update's changes, with the snapshots before and after; updates that change nothing are
    /// not emitted. An update's change set is emitted before its snapshot on <see cref="Snapshots"/>,
    /// so whoever waits for a snapshot has seen its changes.
    /// </summary>
    public IObservable<ClusterChangeSet> ChangeSets { get; }

    /// <summary>
    /// Every change as it happens, e.g.
    /// <c>from c in view.Changes.OfType&lt;LeaderChanged&gt;() where c.Topic == "orders" select c</c>.
    /// Hot: a subscriber sees changes from the next update on.
    /// </summary>
    /// <remarks>
    /// Notifications arrive on the thread that applied the update, one at a time and in order. A
    /// subscriber that blocks holds up later notifications, not the client: updates go on and
    /// their notifications queue behind it.
    /// </remarks>
    public IObservable<ClusterChange> Changes { get; }

    /// <summary>Every metadata update's outcome, successes and failures (M6). Hot.</summary>
    public IObservable<MetadataUpdate> Updates { get; }

    /// <summary>Subscribes to <see cref="Snapshots"/>.</summary>
    public IDisposable Subscribe(IObserver<ClusterSnapshot> observer) => _snapshots.Subscribe(observer);

    /// <summary>Completes every stream (after what is already queued).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _emissions.Enqueue(() =>
            {
                _updates.OnCompleted();
                _changeSets.OnCompleted();
                _snapshots.OnCompleted();
            });
        }

        Drain();
    }

    /// <summary>
    /// Replaces the snapshot with <paramref name="change"/>(current) and publishes it with its
    /// changes, unless it is the same snapshot. Updates are applied one at a time, in order; their
    /// notifications are emitted in that order, outside the lock, by one thread at a time.
    /// </summary>
    internal ClusterSnapshot Update(Func<ClusterSnapshot, ClusterSnapshot> change, MetadataUpdate? outcome = null)
    {
        ClusterSnapshot next;
        lock (_gate)
        {
            var previous = _current;
            next = change(previous);
            if (_disposed)
            {
                return next;
            }

            if (!ReferenceEquals(previous, next))
            {
                _current = next;
                // The diff is only worked out when someone listens.
                var changes = _changeSets.HasObservers ? ClusterDiff.Between(previous, next) : [];
                _emissions.Enqueue(() =>
                {
                    if (changes.Count > 0)
                    {
                        _changeSets.OnNext(new ClusterChangeSet(previous, next, changes));
                    }

                    _snapshots.OnNext(next);
                });
            }

            if (outcome is not null)
            {
                var published = outcome with { Snapshot = next };
                _emissions.Enqueue(() => _updates.OnNext(published));
            }
        }

        Drain();
        return next;
    }

    /// <summary>Reports a failed update (M6) without touching the snapshot.</summary>
    internal void ReportFailure(MetadataUpdate outcome)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _emissions.Enqueue(() => _updates.OnNext(outcome));
        }

        Drain();
    }

    // A trampoline: one thread emits at a time, in queue order; others (and re-entrant calls) only enqueue.
    private void Drain() => _emitter.Signal();

    private void EmitQueued()
    {
        while (true)
        {
            Action emit;
            lock (_gate)
            {
                if (!_emissions.TryDequeue(out emit!))
                {
                    return;
                }
            }

            emit();
        }
    }
}
