using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxKafka.Reactive;

/// <summary>ExhaustMapWithTrailing: the operator under the metadata synchronizer (K3).</summary>
internal static class ExhaustMapWithTrailingOperator
{
    /// <summary>
    /// Runs <paramref name="run"/> for a source value, never two at once (serialised). Values that
    /// arrive while a run is under way are coalesced into exactly one further run, started as soon
    /// as the current one ends, with the first of them (nothing is lost, nothing piles up).
    /// RxJS calls the leading half of this exhaustMap; the trailing run is what a metadata
    /// synchronizer needs: a trigger during an update must be served by an update that starts
    /// after it. The source's values must not overlap (as Rx's contract says; put Synchronize before
    /// a source that several threads feed).
    /// </summary>
    public static IObservable<TResult> ExhaustMapWithTrailing<TSource, TResult>(this IObservable<TSource> source, Func<TSource, IObservable<TResult>> run) =>
        Observable.Create<TResult>(observer => new Sink<TSource, TResult>(observer, run).Run(source));

    // One gate for the state; runs are subscribed outside it. A run's subscription is disposed when it
    // ends, the source's when it completes; an error or disposal ends both.
    private sealed class Sink<TSource, TResult>(IObserver<TResult> observer, Func<TSource, IObservable<TResult>> run) : IDisposable
    {
        private readonly object _gate = new();
        private readonly SingleAssignmentDisposable _upstream = new();
        private readonly SerialDisposable _inner = new();
        private bool _running;
        private bool _hasTrailing;
        private bool _sourceDone;
        private bool _stopped;
        private TSource _trailing = default!;

        public IDisposable Run(IObservable<TSource> source)
        {
            _upstream.Disposable = source.Subscribe(OnSourceNext, OnError, OnSourceCompleted);
            return this;
        }

        public void Dispose()
        {
            _upstream.Dispose();
            _inner.Dispose();
        }

        private void OnSourceNext(TSource value)
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                if (_running)
                {
                    if (!_hasTrailing)
                    {
                        _hasTrailing = true;
                        _trailing = value;
                    }

                    return;
                }

                _running = true;
            }

            Start(value);
        }

        private void OnSourceCompleted()
        {
            _upstream.Dispose();
            lock (_gate)
            {
                _sourceDone = true;
                if (_running || _stopped)
                {
                    return;
                }

                _stopped = true;
                observer.OnCompleted();
            }
        }

        private void Start(TSource value)
        {
            IObservable<TResult> next;
            try
            {
                next = run(value);
            }
            catch (Exception e)
            {
                OnError(e);
                return;
            }

            var subscription = new SingleAssignmentDisposable();
            _inner.Disposable = subscription;
            subscription.Disposable = next.Subscribe(
                result =>
                {
                    lock (_gate)
                    {
                        if (!_stopped)
                        {
                            observer.OnNext(result);
                        }
                    }
                },
                OnError,
                () => OnRunCompleted(subscription));
        }

        private void OnRunCompleted(IDisposable subscription)
        {
            subscription.Dispose();
            TSource next;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                if (!_hasTrailing)
                {
                    _running = false;
                    if (_sourceDone)
                    {
                        _stopped = true;
                        observer.OnCompleted();
                    }

                    return;
                }

                _hasTrailing = false;
                next = _trailing;
                _trailing = default!;
            }

            Start(next);
        }

        private void OnError(Exception error)
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                _stopped = true;
                observer.OnError(error);
            }

            Dispose();
        }
    }
}
