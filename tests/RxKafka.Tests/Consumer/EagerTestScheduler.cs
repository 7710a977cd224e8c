using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// A TestScheduler that plays the thread pool's worst timing for chosen work: an item scheduled "now" whose
/// action <see cref="RunsEagerly"/> picks runs before Schedule returns, as if a pool thread had picked it up at
/// once, while the caller had not yet stored what Schedule returned. Items the chosen item schedules in turn are
/// queued as usual. Code that keeps "the pending item" in a field assigned from Schedule's result finds that
/// field overwritten out of order here, deterministically, instead of once in thousands of runs on real threads.
/// </summary>
public sealed class EagerTestScheduler : TestScheduler
{
    private bool _inside;

    /// <summary>Which immediately-due actions run before Schedule returns (the outermost one only); none by default.</summary>
    public Func<Delegate, bool> RunsEagerly { get; set; } = _ => false;

    /// <summary>How many items ran before their Schedule call returned.</summary>
    public int EagerRuns { get; private set; }

    public override IDisposable ScheduleAbsolute<TState>(TState state, long dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        if (_inside || dueTime > Clock || state is not Delegate wrapped || !RunsEagerly(wrapped))
        {
            return base.ScheduleAbsolute(state, dueTime, action);
        }

        _inside = true;
        try
        {
            EagerRuns++;
            action(this, state);
        }
        finally
        {
            _inside = false;
        }

        return System.Reactive.Disposables.Disposable.Empty;
    }
}
