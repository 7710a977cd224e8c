using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxKafka.Cluster;
using RxKafka.Reactive;

namespace RxKafka.Client;

/// <summary>
/// K3: the metadata synchronizer as one Rx pipeline.
/// <code>
///   armed timer ─────────┐   (max age after a success, retry backoff after a failure; disarmed while an update runs)
///   force triggers ──────┼─► Merge ─► Synchronize ─► ExhaustMapWithTrailing(update) ─► (outcomes re-arm the timer)
///   (Force, tracked topics changed, connection lost)
/// </code>
/// Updates never overlap. Triggers during an update are coalesced into exactly one update right
/// after it, so force requests made during an update are served by the next one, not lost, and a
/// change of the tracked topics during an update makes another at once. The waiters of
/// <see cref="Force"/> complete with the next update that starts after they asked, or fail with
/// its error (K4). After a failure no update starts before the retry backoff has passed. Every
/// time runs on the scheduler.
/// </summary>
internal sealed class MetadataSynchronizer : IDisposable
{
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _maxAge;
    private readonly Backoff _retry;
    private readonly Func<MetadataUpdateReason, IObservable<ClusterSnapshot>> _update;
    private readonly Subject<MetadataUpdateReason> _triggers = new();
    // The armed timer: one scheduled tick at a time, replaced or cancelled through _armed. Its ticks are a
    // subject merged with the triggers. (It was a Switch over timer observables, re-armed from inside the
    // pipeline: the pipeline held Merge's lock and wanted Switch's while a firing timer held Switch's and
    // wanted Merge's, a deadlock that real threads found.)
    private readonly Subject<MetadataUpdateReason> _ticks = new();
    private readonly SerialDisposable _armed = new();
    private long _armedGeneration;
    private readonly object _gate = new();
    private readonly IDisposable _pipeline;
    private AsyncSubject<ClusterSnapshot>? _next;
    private AsyncSubject<ClusterSnapshot>? _running;
    private DateTimeOffset _notBefore = DateTimeOffset.MinValue;
    private bool _disposed;
    private int _runs, _attempts, _outcomes;
    private string _lastArm = "none";

    /// <param name="update">One update: emits the new snapshot (already published) or fails when every broker failed.</param>
    /// <param name="maxAge">The metadata maximum age (<c>metadata.max.age.ms</c>).</param>
    /// <param name="retry">The retry backoff after failed updates.</param>
    /// <param name="scheduler">Where every timer runs.</param>
    public MetadataSynchronizer(Func<MetadataUpdateReason, IObservable<ClusterSnapshot>> update, TimeSpan maxAge, Backoff retry, IScheduler scheduler)
    {
        _update = update;
        _maxAge = maxAge;
        _retry = retry;
        _scheduler = scheduler;
        _pipeline = Observable.Merge(_ticks, _triggers)
            .Synchronize()
            .ExhaustMapWithTrailing(Run)
            .Subscribe();
    }

    /// <summary>
    /// Asks for an update. The result emits the snapshot of the next update that starts after
    /// this call and completes, or fails with that update's error.
    /// </summary>
    public IObservable<ClusterSnapshot> Force(MetadataUpdateReason reason)
    {
        AsyncSubject<ClusterSnapshot> waiter;
        lock (_gate)
        {
            if (_disposed)
            {
                return Observable.Throw<ClusterSnapshot>(new ObjectDisposedException(nameof(KafkaClient)));
            }

            // Everyone who asks before the next update starts shares its outcome.
            waiter = _next ??= new AsyncSubject<ClusterSnapshot>();
        }

        _triggers.OnNext(reason);
        return waiter.AsObservable();
    }

    /// <summary>Asks for an update without waiting for it (K5, tracked topics).</summary>
    public void Trigger(MetadataUpdateReason reason)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        _triggers.OnNext(reason);
    }

    /// <summary>Stops the pipeline; a waiting <see cref="Force"/> fails with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        AsyncSubject<ClusterSnapshot>? waiting, running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            waiting = _next;
            running = _running;
            _next = _running = null;
        }

        _armed.Dispose();
        _pipeline.Dispose();
        var disposed = new ObjectDisposedException(nameof(KafkaClient), "the client was disposed before the metadata update finished");
        running?.OnError(disposed);
        waiting?.OnError(disposed);
    }

    /// <summary>Whether an update runs or is asked for, and the backoff: for diagnostics.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return $"update running {_running is not null}, asked {_next is not null}, not before {_notBefore:HH:mm:ss.fff}, runs {_runs}, attempts {_attempts}, outcomes {_outcomes}, last armed {_lastArm}";
        }
    }

    private IObservable<Unit> Run(MetadataUpdateReason reason) => Observable.Defer(() =>
    {
        // Disarmed while an update is pending or running: its outcome arms the timer again.
        Interlocked.Increment(ref _runs);
        Arm(null, MetadataUpdateReason.MaxAge);
        var wait = _notBefore - _scheduler.Now;
        var ready = wait > TimeSpan.Zero
            ? Observable.Timer(wait, _scheduler).Select(_ => Unit.Default)
            : Observable.Return(Unit.Default);
        return ready.SelectMany(_ => Attempt(reason));
    });

    private IObservable<Unit> Attempt(MetadataUpdateReason reason)
    {
        AsyncSubject<ClusterSnapshot>? waiters;
        lock (_gate)
        {
            if (_disposed)
            {
                return Observable.Empty<Unit>();
            }

            waiters = _running = _next;
            _next = null;
        }

        var startedAt = _scheduler.Now;
        Interlocked.Increment(ref _attempts);
        return _update(reason)
            .Take(1)
            .Do(snapshot =>
            {
                _retry.Reset();
                // The next periodic update is due max age after this one started.
                Interlocked.Increment(ref _outcomes);
                _lastArm = $"max age at {startedAt + _maxAge:HH:mm:ss.fff}";
                Arm(startedAt + _maxAge, MetadataUpdateReason.MaxAge);
                waiters?.OnNext(snapshot);
                waiters?.OnCompleted();
            })
            .Select(_ => Unit.Default)
            .Catch((Exception error) =>
            {
                // K4: every broker failed. Waiters hear it; the next attempt waits out the backoff.
                var delay = _retry.NextDelay();
                _notBefore = _scheduler.Now + delay;
                Interlocked.Increment(ref _outcomes);
                _lastArm = $"retry at {_notBefore:HH:mm:ss.fff}";
                Arm(_notBefore, MetadataUpdateReason.Retry);
                waiters?.OnError(error);
                return Observable.Return(Unit.Default);
            })
            .Finally(() =>
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_running, waiters))
                    {
                        _running = null;
                    }
                }
            });
    }

    // Arms the timer to tick with `reason` at `due`, or disarms it (null). Only the latest arming ticks: a
    // timer replaced just as it fired finds its generation outdated and stays silent.
    private void Arm(DateTimeOffset? due, MetadataUpdateReason reason)
    {
        long generation;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            generation = ++_armedGeneration;
        }

        _armed.Disposable = due is { } at
            ? _scheduler.Schedule((Synchronizer: this, Generation: generation, Reason: reason), at, static (_, s) =>
            {
                s.Synchronizer.Tick(s.Generation, s.Reason);
                return Disposable.Empty;
            })
            : null;
    }

    private void Tick(long generation, MetadataUpdateReason reason)
    {
        lock (_gate)
        {
            if (_disposed || generation != _armedGeneration)
            {
                return;
            }
        }

        _ticks.OnNext(reason);
    }
}
