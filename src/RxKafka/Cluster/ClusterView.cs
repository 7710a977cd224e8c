using System.Reactive.Linq;
using System.Reactive.Subjects;

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

    internal ClusterView(ClusterSnapshot initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _snapshots = new BehaviorSubject<ClusterSnapshot>(initial);
        Snapshots = _snapshots.AsObservable();
        ChangeSets = _changeSets.AsObservable();
        Changes = _changeSets.SelectMany(set => set.Changes);
        Updates = _updates.AsObservable();
    }

    /// <summary>The current snapshot.</summary>
    public ClusterSnapshot Current => _snapshots.Value;

    /// <summary>The current snapshot at once, then each new one. Completes when the client is disposed.</summary>
    public IObservable<ClusterSnapshot> Snapshots { get; }

    /// <summary>Each update's changes, with the snapshots before and after; updates that change nothing are not emitted.</summary>
    public IObservable<ClusterChangeSet> ChangeSets { get; }

    /// <summary>
    /// Every change as it happens, e.g.
    /// <c>from c in view.Changes.OfType&lt;LeaderChanged&gt;() where c.Topic == "orders" select c</c>.
    /// Hot: a subscriber sees changes from the next update on.
    /// </summary>
    public IObservable<ClusterChange> Changes { get; }

    /// <summary>Every metadata update's outcome, successes and failures (M6). Hot.</summary>
    public IObservable<MetadataUpdate> Updates { get; }

    /// <summary>Subscribes to <see cref="Snapshots"/>.</summary>
    public IDisposable Subscribe(IObserver<ClusterSnapshot> observer) => _snapshots.Subscribe(observer);

    /// <summary>Completes every stream.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _updates.OnCompleted();
            _changeSets.OnCompleted();
            _snapshots.OnCompleted();
        }
    }

    /// <summary>
    /// Replaces the snapshot with <paramref name="change"/>(current) and publishes it with its
    /// changes, unless it is the same snapshot. Serialised, so concurrent updates never interleave.
    /// </summary>
    internal ClusterSnapshot Update(Func<ClusterSnapshot, ClusterSnapshot> change, MetadataUpdate? outcome = null)
    {
        lock (_gate)
        {
            var previous = _snapshots.Value;
            var next = change(previous);
            if (!ReferenceEquals(previous, next))
            {
                _snapshots.OnNext(next);
                if (_changeSets.HasObservers)
                {
                    // The diff is only worked out when someone listens.
                    var changes = ClusterDiff.Between(previous, next);
                    if (changes.Count > 0)
                    {
                        _changeSets.OnNext(new ClusterChangeSet(previous, next, changes));
                    }
                }
            }

            if (outcome is not null)
            {
                _updates.OnNext(outcome with { Snapshot = next });
            }

            return next;
        }
    }

    /// <summary>Reports a failed update (M6) without touching the snapshot.</summary>
    internal void ReportFailure(MetadataUpdate outcome)
    {
        lock (_gate)
        {
            _updates.OnNext(outcome);
        }
    }
}
