using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxKafka.Network;

/// <summary>
/// Turns a task into an observable that emits on the thread completing the task. Under a
/// TestScheduler that thread is the one advancing virtual time, so a multi-step exchange (SASL)
/// finishes within the same AdvanceBy instead of hopping to the thread pool, as
/// Observable.FromAsync may.
/// </summary>
internal static class InlineTasks
{
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
