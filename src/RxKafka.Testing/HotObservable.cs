using System.Reactive;
using System.Reactive.Disposables;

namespace RxKafka.Testing;

/// <summary>
/// Plays its messages at their absolute times whether or not anyone listens; observers see only
/// what happens while they are subscribed.
/// </summary>
internal sealed class HotObservable<T> : ITestableObservable<T>
{
    private readonly List<IObserver<T>> _observers = [];
    private readonly SubscriptionLog _log;
    private readonly Recorded<Notification<T>>[] _messages;

    public HotObservable(TestScheduler scheduler, Recorded<Notification<T>>[] messages)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(messages);
        _log = new SubscriptionLog(scheduler);
        _messages = messages;

        // Scheduled at creation, so the timeline is fixed before any subscription.
        foreach (var message in messages)
        {
            scheduler.ScheduleAbsolute(
                (Self: this, message.Value),
                message.Time,
                static (_, state) =>
                {
                    foreach (var observer in state.Self._observers.ToArray())
                    {
                        state.Value.Accept(observer);
                    }

                    return Disposable.Empty;
                });
        }
    }

    public IList<Subscription> Subscriptions => _log.Entries;

    public IList<Recorded<Notification<T>>> Messages => _messages;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Add(observer);
        return _log.Open(() => _observers.Remove(observer));
    }
}
