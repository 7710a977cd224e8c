using System.Diagnostics;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace RxKafka.Testing;

/// <summary>
/// A virtual-time scheduler for tests: time is a <see cref="long"/> count of ticks (100 ns, as in
/// <see cref="TimeSpan.Ticks"/>) that moves only when the test starts or advances the scheduler.
/// Drop-in replacement for Microsoft.Reactive.Testing's <c>TestScheduler</c>.
/// </summary>
/// <remarks>
/// Work scheduled for the current time or the past runs one tick later (<c>Clock + 1</c>), so the
/// order of "now" actions is always observable in the recorded times.
/// </remarks>
[DebuggerDisplay("{{ Clock = {Clock}, Now = {Now} }}")]
public class TestScheduler : VirtualTimeScheduler<long, long>
{
    /// <summary>
    /// Schedules <paramref name="action"/> at the absolute virtual time <paramref name="dueTime"/>,
    /// or at <c>Clock + 1</c> when <paramref name="dueTime"/> is not in the future.
    /// </summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <param name="state">The state passed to the action.</param>
    /// <param name="dueTime">The absolute virtual time, in ticks.</param>
    /// <param name="action">The work to run.</param>
    /// <returns>A disposable that cancels the work if it has not run yet.</returns>
    public override IDisposable ScheduleAbsolute<TState>(TState state, long dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        if (dueTime <= Clock)
        {
            dueTime = Clock + 1;
        }

        return base.ScheduleAbsolute(state, dueTime, action);
    }

    /// <summary>Adds a relative tick count to an absolute tick count.</summary>
    /// <param name="absolute">The absolute time, in ticks.</param>
    /// <param name="relative">The relative time, in ticks.</param>
    /// <returns>The sum.</returns>
    protected override long Add(long absolute, long relative) => absolute + relative;

    /// <summary>Converts an absolute tick count to a <see cref="DateTimeOffset"/> in UTC (tick 0 is <see cref="DateTimeOffset.MinValue"/>).</summary>
    /// <param name="absolute">The absolute time, in ticks.</param>
    /// <returns>The corresponding point in time.</returns>
    protected override DateTimeOffset ToDateTimeOffset(long absolute) => new(absolute, TimeSpan.Zero);

    /// <summary>Converts a <see cref="TimeSpan"/> to ticks.</summary>
    /// <param name="timeSpan">The time span.</param>
    /// <returns><see cref="TimeSpan.Ticks"/>.</returns>
    protected override long ToRelative(TimeSpan timeSpan) => timeSpan.Ticks;

    /// <summary>
    /// Runs the standard test timeline: calls <paramref name="create"/> at <paramref name="created"/>,
    /// subscribes a recording observer at <paramref name="subscribed"/>, disposes the subscription at
    /// <paramref name="disposed"/>, and runs the scheduler until no work is left.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="create">Builds the query under test.</param>
    /// <param name="created">Virtual time, in ticks, at which <paramref name="create"/> is called.</param>
    /// <param name="subscribed">Virtual time, in ticks, of the subscription.</param>
    /// <param name="disposed">Virtual time, in ticks, of the disposal.</param>
    /// <returns>The observer with every notification it received.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The times are not in the order created ≤ subscribed ≤ disposed.</exception>
    public ITestableObserver<T> Start<T>(Func<IObservable<T>> create, long created, long subscribed, long disposed)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (subscribed < created)
        {
            throw new ArgumentOutOfRangeException(nameof(subscribed), subscribed, $"The subscription time must not be before the creation time ({created}).");
        }

        if (disposed < subscribed)
        {
            throw new ArgumentOutOfRangeException(nameof(disposed), disposed, $"The disposal time must not be before the subscription time ({subscribed}) or the creation time ({created}).");
        }

        var run = new StartRun<T>(create, CreateObserver<T>());
        ScheduleAbsolute(run, created, static (_, r) => { r.Source = r.Create(); return Disposable.Empty; });
        ScheduleAbsolute(run, subscribed, static (_, r) => { r.Subscription = r.Source!.Subscribe(r.Observer); return Disposable.Empty; });
        ScheduleAbsolute(run, disposed, static (_, r) => { r.Subscription!.Dispose(); return Disposable.Empty; });
        Start();
        return run.Observer;
    }

    /// <summary>
    /// Runs the standard test timeline with creation at <see cref="ReactiveTest.Created"/> (100) and
    /// subscription at <see cref="ReactiveTest.Subscribed"/> (200).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="create">Builds the query under test.</param>
    /// <param name="disposed">Virtual time, in ticks, of the disposal.</param>
    /// <returns>The observer with every notification it received.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="disposed"/> is before 200.</exception>
    public ITestableObserver<T> Start<T>(Func<IObservable<T>> create, long disposed)
    {
        ArgumentNullException.ThrowIfNull(create);
        return Start(create, ReactiveTest.Created, ReactiveTest.Subscribed, disposed);
    }

    /// <summary>
    /// Runs the standard test timeline: creation at <see cref="ReactiveTest.Created"/> (100),
    /// subscription at <see cref="ReactiveTest.Subscribed"/> (200), disposal at
    /// <see cref="ReactiveTest.Disposed"/> (1000).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="create">Builds the query under test.</param>
    /// <returns>The observer with every notification it received.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    public ITestableObserver<T> Start<T>(Func<IObservable<T>> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return Start(create, ReactiveTest.Created, ReactiveTest.Subscribed, ReactiveTest.Disposed);
    }

    /// <summary>
    /// Creates a hot observable: its messages are scheduled now at their absolute times and reach
    /// whoever is subscribed when they fire.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="messages">The notifications with their absolute virtual times.</param>
    /// <returns>The observable, which records its subscriptions.</returns>
    public ITestableObservable<T> CreateHotObservable<T>(params Recorded<Notification<T>>[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new HotObservable<T>(this, messages);
    }

    /// <summary>
    /// Creates a cold observable: each subscription gets all messages, at times relative to the
    /// moment it subscribed.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="messages">The notifications with times relative to subscription.</param>
    /// <returns>The observable, which records its subscriptions.</returns>
    public ITestableObservable<T> CreateColdObservable<T>(params Recorded<Notification<T>>[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new ColdObservable<T>(this, messages);
    }

    /// <summary>Creates an observer that records each notification with the virtual time it arrived.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <returns>The recording observer.</returns>
    public ITestableObserver<T> CreateObserver<T>() => new TestableObserver<T>(this);

    /// <summary>
    /// Advances the clock one due time at a time until <paramref name="condition"/> holds or the
    /// clock would pass <paramref name="limit"/>; useful for awaiting a <see cref="Task"/> whose
    /// completion depends on virtual time (<c>AdvanceUntil(() =&gt; task.IsCompleted, ...)</c>).
    /// </summary>
    /// <param name="condition">Checked before each step.</param>
    /// <param name="limit">The absolute virtual time, in ticks, beyond which the clock is not advanced.</param>
    /// <returns><see langword="true"/> if the condition held; <see langword="false"/> if the limit or the end of scheduled work came first (the clock is then at <paramref name="limit"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="condition"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is before <see cref="VirtualTimeSchedulerBase{TAbsolute, TRelative}.Clock"/>.</exception>
    public bool AdvanceUntil(Func<bool> condition, long limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (limit < Clock)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The limit must not be before the current clock ({Clock}).");
        }

        while (!condition())
        {
            var next = GetNext();
            if (next is null || next.DueTime > limit)
            {
                AdvanceTo(limit);
                return condition();
            }

            AdvanceTo(next.DueTime);
        }

        return true;
    }

    /// <summary>The mutable state of one <see cref="Start{T}(Func{IObservable{T}}, long, long, long)"/> run.</summary>
    private sealed class StartRun<T>(Func<IObservable<T>> create, ITestableObserver<T> observer)
    {
        public Func<IObservable<T>> Create { get; } = create;

        public ITestableObserver<T> Observer { get; } = observer;

        public IObservable<T>? Source { get; set; }

        public IDisposable? Subscription { get; set; }
    }
}
