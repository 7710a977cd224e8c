using System.Reactive.Concurrency;
using System.Reflection;

namespace RxKafka.Testing;

/// <summary>
/// <see cref="TimeSpan"/>-based and task-based helpers for driving Microsoft.Reactive.Testing's
/// <c>TestScheduler</c> in tests of Kafka code, where timeouts and backoffs are written in
/// seconds and minutes and a request is a <see cref="Task"/> that completes only as virtual time moves.
/// </summary>
/// <remarks>
/// The real kit does not cover these: its <c>TestScheduler</c> advances by and to tick counts
/// only (<c>AdvanceBy(long)</c>, <c>AdvanceTo(long)</c>), has no <see cref="TimeSpan"/> view of its clock,
/// and cannot stop at the moment a condition starts to hold, which is what awaiting a task in virtual
/// time needs. One tick of <c>TestScheduler</c> is one <see cref="TimeSpan"/> tick (100 ns).
/// </remarks>
public static class TestSchedulerExtensions
{
    // VirtualTimeSchedulerBase.GetNext (the next due, not cancelled work item) is protected, and
    // AdvanceUntil must step from one due time to the next to stop exactly where a condition starts to
    // hold; stepping tick by tick would take 10^7 steps a virtual second. Bound once, as an open
    // delegate, so each step is a virtual call and not a reflection invoke.
    private static readonly Func<VirtualTimeSchedulerBase<long, long>, IScheduledItem<long>?> NextItem =
        typeof(VirtualTimeSchedulerBase<long, long>)
            .GetMethod("GetNext", BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)
            ?.CreateDelegate<Func<VirtualTimeSchedulerBase<long, long>, IScheduledItem<long>?>>()
        ?? throw new MissingMethodException(typeof(VirtualTimeSchedulerBase<long, long>).FullName, "GetNext");

    /// <summary>Advances the clock by <paramref name="time"/>, running all work due on the way.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="time">How far to advance; must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is negative.</exception>
    public static void AdvanceBy(this VirtualTimeScheduler<long, long> scheduler, TimeSpan time)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.AdvanceBy(time.Ticks);
    }

    /// <summary>Advances the clock to the absolute virtual time <paramref name="time"/> (measured from tick 0), running all work due on the way.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="time">The absolute time since tick 0; must not be before the current clock.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before the current clock.</exception>
    public static void AdvanceTo(this VirtualTimeScheduler<long, long> scheduler, TimeSpan time)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.AdvanceTo(time.Ticks);
    }

    /// <summary>Advances the clock to the point in time <paramref name="time"/> (<c>TestScheduler</c>'s <c>Now</c> scale: tick 0 is <see cref="DateTimeOffset.MinValue"/>).</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="time">The point in time; must not be before <c>scheduler.Now</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before the current clock.</exception>
    public static void AdvanceTo(this VirtualTimeScheduler<long, long> scheduler, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.AdvanceTo(time.UtcTicks);
    }

    /// <summary>Gets the elapsed virtual time since tick 0 as a <see cref="TimeSpan"/>.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <returns><c>TimeSpan.FromTicks(scheduler.Clock)</c>.</returns>
    public static TimeSpan Elapsed(this VirtualTimeScheduler<long, long> scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return TimeSpan.FromTicks(scheduler.Clock);
    }

    /// <summary>
    /// Advances the clock one due time at a time until <paramref name="condition"/> holds or the clock
    /// would pass <paramref name="limit"/>: the clock stops at the due time of the work that made the
    /// condition hold, so what a test asserts next happens at a known time.
    /// </summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="condition">Checked before each step.</param>
    /// <param name="limit">The absolute virtual time, in ticks, beyond which the clock is not advanced.</param>
    /// <returns><see langword="true"/> if the condition held; <see langword="false"/> if the limit or the end of scheduled work came first (the clock is then at <paramref name="limit"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is before the current clock.</exception>
    public static bool AdvanceUntil(this VirtualTimeScheduler<long, long> scheduler, Func<bool> condition, long limit)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(condition);
        if (limit < scheduler.Clock)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The limit must not be before the current clock ({scheduler.Clock}).");
        }

        while (!condition())
        {
            var next = NextItem(scheduler);
            if (next is null || next.DueTime > limit)
            {
                scheduler.AdvanceTo(limit);
                return condition();
            }

            // Never due at or before the clock (TestScheduler moves such work to Clock + 1), so each
            // step moves the clock on.
            scheduler.AdvanceTo(next.DueTime);
        }

        return true;
    }

    /// <summary>
    /// Advances virtual time until <paramref name="task"/> completes, for at most <paramref name="timeout"/>
    /// of virtual time. Time-based work the task depends on (timers, timeouts, retries scheduled on
    /// this scheduler) runs on the way.
    /// </summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="task">The task to wait for.</param>
    /// <param name="timeout">The virtual-time budget, measured from the current clock.</param>
    /// <returns><see langword="true"/> if the task completed (in any state) within the budget.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public static bool AdvanceUntilCompleted(this VirtualTimeScheduler<long, long> scheduler, Task task, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var limit = timeout.Ticks > long.MaxValue - scheduler.Clock ? long.MaxValue : scheduler.Clock + timeout.Ticks;
        return scheduler.AdvanceUntil(() => task.IsCompleted, limit);
    }
}
