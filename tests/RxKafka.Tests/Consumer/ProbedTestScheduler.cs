using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// A TestScheduler that runs a probe before it picks each work item, so after every item that ran: a test
/// checks an invariant (the prefetch bound) at every virtual instant the consumer's state can change, not
/// only where the test happens to look.
/// </summary>
public sealed class ProbedTestScheduler : TestScheduler
{
    /// <summary>Run before each work item is picked (and so after each one that ran); null for none.</summary>
    public Action? Probe { get; set; }

    protected override IScheduledItem<long>? GetNext()
    {
        Probe?.Invoke();
        return base.GetNext();
    }
}
