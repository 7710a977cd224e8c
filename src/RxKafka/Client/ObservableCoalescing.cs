using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxKafka.Client;

/// <summary>Rx operators the client's pipelines are made of.</summary>
internal static class ObservableCoalescing
{
    /// <summary>
    /// Runs <paramref name="run"/> for a source value, never two at once (serialised). Values that
    /// arrive while a run is under way are coalesced into exactly one further run, started as soon
    /// as the current one ends, with the first of them (nothing is lost, nothing piles up).
    /// RxJS calls the leading half of this exhaustMap; the trailing run is what a metadata
    /// synchronizer needs: a trigger during an update must be served by an update that starts
    /// after it.
    /// </summary>
    public static IObservable<TResult> ExhaustMapWithTrailing<TSource, TResult>(this IObservable<TSource> source, Func<TSource, IObservable<TResult>> run) =>
        Observable.Create<TResult>(observer =>
        {
            var gate = new object();
            var running = false;
            var hasTrailing = false;
            TSource trailing = default!;
            var sourceDone = false;
            var inner = new SerialDisposable();
            var outer = new SingleAssignmentDisposable();

            void Start(TSource value)
            {
                var subscription = new SingleAssignmentDisposable();
                inner.Disposable = subscription;
                subscription.Disposable = run(value).Subscribe(
                    result =>
                    {
                        lock (gate)
                        {
                            observer.OnNext(result);
                        }
                    },
                    error =>
                    {
                        lock (gate)
                        {
                            observer.OnError(error);
                        }
                    },
                    () =>
                    {
                        TSource next;
                        lock (gate)
                        {
                            if (!hasTrailing)
                            {
                                running = false;
                                if (sourceDone)
                                {
                                    observer.OnCompleted();
                                }

                                return;
                            }

                            hasTrailing = false;
                            next = trailing;
                            trailing = default!;
                        }

                        Start(next);
                    });
            }

            outer.Disposable = source.Subscribe(
                value =>
                {
                    lock (gate)
                    {
                        if (running)
                        {
                            if (!hasTrailing)
                            {
                                hasTrailing = true;
                                trailing = value;
                            }

                            return;
                        }

                        running = true;
                    }

                    Start(value);
                },
                error =>
                {
                    lock (gate)
                    {
                        observer.OnError(error);
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        sourceDone = true;
                        if (!running)
                        {
                            observer.OnCompleted();
                        }
                    }
                });
            return new CompositeDisposable(outer, inner);
        });
}
