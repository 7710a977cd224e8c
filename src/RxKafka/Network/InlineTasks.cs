using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxKafka.Network;

/// <summary>
/// Bridges between observables and tasks whose continuations run on the thread that completes
/// them. Under a TestScheduler that thread is the one advancing virtual time, so a multi-step
/// exchange (SASL) finishes within the same AdvanceBy instead of hopping to the thread pool.
/// </summary>
internal static class InlineTasks
{
    public static Task<T> ToInlineTask<T>(this IObservable<T> source, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<T>();
        var hasValue = false;
        T last = default!;
        var subscription = source.Subscribe(
            value =>
            {
                hasValue = true;
                last = value;
            },
            error => completion.TrySetException(error),
            () =>
            {
                if (hasValue)
                {
                    completion.TrySetResult(last);
                }
                else
                {
                    completion.TrySetException(new InvalidOperationException("the sequence completed without a value"));
                }
            });
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                subscription.Dispose();
                completion.TrySetCanceled(cancellationToken);
            });
            completion.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return completion.Task;
    }

    public static IObservable<T> FromInlineTask<T>(Func<CancellationToken, Task<T>> start)
        => Observable.Create<T>(observer =>
        {
            var cancellation = new CancellationTokenSource();
            Task<T> task;
            try
            {
                task = start(cancellation.Token);
            }
            catch (Exception e)
            {
                observer.OnError(e);
                return Disposable.Empty;
            }

            task.ContinueWith(
                t =>
                {
                    if (t.IsFaulted)
                    {
                        observer.OnError(t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception);
                    }
                    else if (t.IsCanceled)
                    {
                        observer.OnError(new OperationCanceledException());
                    }
                    else
                    {
                        observer.OnNext(t.Result);
                        observer.OnCompleted();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return Disposable.Create(() => cancellation.Cancel());
        });
}
