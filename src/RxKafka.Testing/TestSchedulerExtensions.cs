namespace RxKafka.Testing;

/// <summary><see cref="TimeSpan"/>-based helpers for driving a <see cref="TestScheduler"/> in tests of time-based code.</summary>
public static class TestSchedulerExtensions
{
    /// <summary>Advances the clock by <paramref name="time"/>, running all work due on the way.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="time">How far to advance; must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is negative.</exception>
    public static void AdvanceBy(this TestScheduler scheduler, TimeSpan time)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.AdvanceBy(time.Ticks);
    }

    /// <summary>Advances the clock to the absolute virtual time <paramref name="time"/> (measured from tick 0), running all work due on the way.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="time">The absolute time since tick 0; must not be before the current clock.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before the current clock.</exception>
    public static void AdvanceTo(this TestScheduler scheduler, TimeSpan time)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.AdvanceTo(time.Ticks);
    }

    /// <summary>Advances the clock to the point in time <paramref name="time"/> (<see cref="TestScheduler"/>'s <c>Now</c> scale: tick 0 is <see cref="DateTimeOffset.MinValue"/>).</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="time">The point in time; must not be before <c>scheduler.Now</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before the current clock.</exception>
    public static void AdvanceTo(this TestScheduler scheduler, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.AdvanceTo(time.UtcTicks);
    }

    /// <summary>Gets the elapsed virtual time since tick 0 as a <see cref="TimeSpan"/>.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <returns><c>TimeSpan.FromTicks(scheduler.Clock)</c>.</returns>
    public static TimeSpan Elapsed(this TestScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return TimeSpan.FromTicks(scheduler.Clock);
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
    public static bool AdvanceUntilCompleted(this TestScheduler scheduler, Task task, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var limit = timeout.Ticks > long.MaxValue - scheduler.Clock ? long.MaxValue : scheduler.Clock + timeout.Ticks;
        return scheduler.AdvanceUntil(() => task.IsCompleted, limit);
    }
}
