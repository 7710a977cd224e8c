using System.Reactive;
using System.Reactive.Disposables;

namespace RxKafka.Testing;

/// <summary>Replays its messages to each observer at times relative to that observer's subscription.</summary>
internal sealed class ColdObservable<T> : ITestableObservable<T>
{
    private readonly TestScheduler _scheduler;
    private readonly SubscriptionLog _log;
    private readonly Recorded<Notification<T>>[] _messages;

    public ColdObservable(TestScheduler scheduler, Recorded<Notification<T>>[] messages)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(messages);
        _scheduler = scheduler;
        _log = new SubscriptionLog(scheduler);
        _messages = messages;
    }

    public IList<Subscription> Subscriptions => _log.Entries;

    public IList<Recorded<Notification<T>>> Messages => _messages;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);

        // Record the subscription before scheduling, as a message at relative time 0 must still
        // land after it (ScheduleAbsolute moves work due now to Clock + 1).
        var pending = new CompositeDisposable(_messages.Length);
        var entry = _log.Open(pending.Dispose);
        foreach (var message in _messages)
        {
            pending.Add(_scheduler.ScheduleRelative(
                (Observer: observer, message.Value),
                message.Time,
                static (_, state) =>
                {
                    state.Value.Accept(state.Observer);
                    return Disposable.Empty;
                }));
        }

        return entry;
    }
}
