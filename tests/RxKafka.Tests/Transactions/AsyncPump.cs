using Microsoft.Reactive.Testing;

namespace RxKafka.Tests.Transactions;

/// <summary>
/// Advances virtual time for code whose awaits resume on the thread pool (the scope's commit, the pipeline's
/// loop): AdvanceUntil would jump to its limit the moment the scheduler has nothing due while a continuation is
/// still on its way, so this moves in small steps and gives the pool a moment of real time at each.
/// </summary>
internal static class AsyncPump
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(5);

    /// <summary>Steps the clock until <paramref name="condition"/> holds or <paramref name="budget"/> of virtual time has passed; returns whether it held.</summary>
    public static bool Until(TestScheduler scheduler, Func<bool> condition, TimeSpan budget)
    {
        var limit = scheduler.Clock + budget.Ticks;
        while (!condition())
        {
            if (scheduler.Clock >= limit)
            {
                return false;
            }

            // Work already due first, then the pool's continuations, then the clock.
            scheduler.AdvanceBy(1);
            if (SpinWait.SpinUntil(condition, TimeSpan.FromMilliseconds(1)))
            {
                return true;
            }

            scheduler.AdvanceBy(Step.Ticks);
        }

        return true;
    }
}
