namespace RxKafka.Testing;

/// <summary>
/// The subscription list shared by hot and cold test observables: an entry is opened at subscribe
/// time and closed, once, with the clock at disposal.
/// </summary>
internal sealed class SubscriptionLog
{
    private readonly TestScheduler _scheduler;
    private readonly List<Subscription> _entries = [];

    public SubscriptionLog(TestScheduler scheduler) => _scheduler = scheduler;

    public IList<Subscription> Entries => _entries;

    /// <summary>Opens an entry at the current clock; the returned disposable closes it and then runs <paramref name="onDispose"/>.</summary>
    public IDisposable Open(Action? onDispose)
    {
        _entries.Add(new Subscription(_scheduler.Clock));
        return new Entry(this, _entries.Count - 1, onDispose);
    }

    private sealed class Entry(SubscriptionLog log, int index, Action? onDispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            // Disposing twice must not move the recorded unsubscription time.
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            log._entries[index] = new Subscription(log._entries[index].Subscribe, log._scheduler.Clock);
            onDispose?.Invoke();
        }
    }
}
