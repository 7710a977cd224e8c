using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Consumer.Engine;

namespace RxKafka.Consumer.Groups;

/// <summary>
/// How a group member of either protocol gives partitions up (R8): observers hear it and may defer it, what
/// was processed is committed (auto-commit), then the engine drops the partitions. Lost partitions are
/// announced and dropped without a commit: someone else may own them already.
/// </summary>
internal sealed class Revocation(FetchEngine engine, OffsetCommitter committer, Subject<RebalanceEvent> events)
{
    public async Task RunAsync(IReadOnlyList<TopicPartition> partitions, int generation, bool lost, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        if (lost)
        {
            events.OnNext(new PartitionsLost(partitions, generation));
        }
        else
        {
            var revoked = new PartitionsRevoked(partitions, generation);
            events.OnNext(revoked);
            var deferred = revoked.Deferred();
            if (deferred.Length > 0)
            {
                // Bounded by the rebalance timeout on the scheduler: past it the coordinator drops the member anyway.
                var timeout = Observable.Timer(engine.Options.MaxPollInterval, engine.Scheduler).ToTask(cancellationToken);
                await Task.WhenAny(Task.WhenAll(deferred), timeout).ConfigureAwait(false);
            }

            if (engine.Options.EnableAutoCommit)
            {
                try
                {
                    var states = partitions.Select(engine.Find).OfType<PartitionState>().ToList();
                    await committer.CommitAsync(committer.Pending(states), cancellationToken).ConfigureAwait(false);
                }
                catch (KafkaException e)
                {
                    // The group moved on: the next owner reads from the last commit (at least once).
                    engine.Logger?.LogWarning(e, "Group {Group}: committing on revocation failed", engine.Options.GroupId);
                }
            }
        }

        engine.Unassign(partitions);
    }
}
