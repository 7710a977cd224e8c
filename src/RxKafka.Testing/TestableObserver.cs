using System.Reactive;

namespace RxKafka.Testing;

/// <summary>Records each notification with the scheduler's clock at the moment it arrives.</summary>
internal sealed class TestableObserver<T> : ITestableObserver<T>
{
    private readonly TestScheduler _scheduler;
    private readonly List<Recorded<Notification<T>>> _messages = [];

    public TestableObserver(TestScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _scheduler = scheduler;
    }

    public IList<Recorded<Notification<T>>> Messages => _messages;

    public void OnNext(T value) =>
        _messages.Add(new Recorded<Notification<T>>(_scheduler.Clock, Notification.CreateOnNext(value)));

    public void OnError(Exception error) =>
        _messages.Add(new Recorded<Notification<T>>(_scheduler.Clock, Notification.CreateOnError<T>(error)));

    public void OnCompleted() =>
        _messages.Add(new Recorded<Notification<T>>(_scheduler.Clock, Notification.CreateOnCompleted<T>()));
}
