using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.RegularExpressions;
using RxKafka.Consumer.Engine;
using RxKafka.Consumer.Groups;

namespace RxKafka.Consumer;

// Subscribing through a consumer group, rebalance events, and commits (R5, R8, R9).
public sealed partial class KafkaConsumer<TKey, TValue>
{
    private readonly Subject<RebalanceEvent> _rebalances = new();
    private IGroupMember? _member;
    private OffsetCommitter? _committer;
    private IDisposable? _autoCommit;

    /// <inheritdoc/>
    public IObservable<RebalanceEvent> Rebalances => _rebalances.AsObservable();

    /// <inheritdoc/>
    public void Subscribe(IEnumerable<string> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var list = topics.Distinct().ToList();
        if (list.Count == 0 || list.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Subscribe needs at least one topic, and no empty names", nameof(topics));
        }

        StartGroup(list, pattern: null);
    }

    /// <inheritdoc/>
    public void Subscribe(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        StartGroup(topics: null, pattern);
    }

    /// <inheritdoc/>
    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        var committer = Committer();
        var states = _engine.Assignment.Select(_engine.Find).OfType<PartitionState>();
        return committer.CommitAsync(committer.Pending(states), cancellationToken);
    }

    /// <inheritdoc/>
    public Task CommitAsync(IEnumerable<TopicPartitionOffset> offsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        return Committer().CommitAsync(offsets.ToList(), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<TopicPartition, long?>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var committed = await _engine.FetchCommittedOffsetsAsync(partitions.ToList(), cancellationToken).ConfigureAwait(false);
        return committed.ToDictionary(c => c.Key, c => c.Value.Offset >= 0 ? c.Value.Offset : (long?)null);
    }

    private OffsetCommitter Committer()
    {
        if (Options.GroupId is null)
        {
            throw new InvalidOperationException("Offsets are committed to a consumer group: set group.id");
        }

        return LazyInitializer.EnsureInitialized(ref _committer, () => new OffsetCommitter(_engine, () => _member?.Identity ?? GroupIdentity.Standalone));
    }

    private void StartGroup(IReadOnlyList<string>? topics, Regex? pattern)
    {
        if (Options.GroupId is null)
        {
            throw new InvalidOperationException("Subscribe joins a consumer group: set group.id (or use Assign without a group)");
        }

        if (_member is not null || _engine.Assignment.Count > 0)
        {
            throw new InvalidOperationException("This consumer already has partitions (Subscribe or Assign): a consumer subscribes once, or assigns, not both");
        }

        var committer = Committer();
        _member = Options.GroupProtocol == GroupProtocol.Consumer
            ? new ConsumerGroupMember(_engine, committer, _rebalances, topics, pattern)
            : new ClassicGroupMember(_engine, committer, _rebalances, topics, pattern);
        _member.Start();
        StartAutoCommit(committer);
    }

    // R9: what was processed is committed every auto.commit.interval.ms on the scheduler (and on revocation and close).
    private void StartAutoCommit(OffsetCommitter committer)
    {
        if (!Options.EnableAutoCommit)
        {
            return;
        }

        _autoCommit = Observable.Interval(Options.AutoCommitInterval, _engine.Scheduler)
            .Select(_ => Observable.FromAsync(async () =>
            {
                try
                {
                    var states = _engine.Assignment.Select(_engine.Find).OfType<PartitionState>();
                    await committer.CommitAsync(committer.Pending(states), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is KafkaException)
                {
                    Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, e, "Auto-commit failed; the next one tries again");
                }
            }))
            .Concat()
            .Subscribe();
    }

    private async ValueTask CloseGroupAsync()
    {
        _autoCommit?.Dispose();
        if (_member is { } member)
        {
            await member.DisposeAsync().ConfigureAwait(false);
        }
        else if (Options.EnableAutoCommit && Options.GroupId is not null && _committer is { } committer)
        {
            try
            {
                var states = _engine.Assignment.Select(_engine.Find).OfType<PartitionState>();
                await committer.CommitAsync(committer.Pending(states), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KafkaException)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, e, "Commit on close failed");
            }
        }

        _rebalances.OnCompleted();
    }
}
