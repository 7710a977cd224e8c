using RxKafka.Consumer;
using RxKafka.Producer;

namespace RxKafka.Transactions;

/// <summary>
/// One subscription of <see cref="ExactlyOnce"/>'s operator: a loop over the consumer's batches, one transaction
/// each, and the rebalance hook that keeps a transaction from outliving the partitions it holds.
/// </summary>
internal sealed class ExactlyOncePipeline<TInKey, TInValue, TOutKey, TOutValue> : IDisposable
{
    private readonly KafkaConsumer<TInKey, TInValue> _consumer;
    private readonly KafkaProducer<TOutKey, TOutValue> _producer;
    private readonly Func<ConsumeResult<TInKey, TInValue>, CancellationToken, Task<IEnumerable<ProducerRecord<TOutKey, TOutValue>>>> _transform;
    private readonly ExactlyOnceOptions _options;
    private readonly IObserver<CommittedBatch> _observer;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();

    // Partitions revoked or lost since the last assignment: batches of them already read are dropped, not committed.
    private readonly HashSet<TopicPartition> _gone = [];
    private IDisposable? _rebalances;
    private InFlight? _current;
    private bool _done;

    public ExactlyOncePipeline(
        KafkaConsumer<TInKey, TInValue> consumer,
        KafkaProducer<TOutKey, TOutValue> producer,
        Func<ConsumeResult<TInKey, TInValue>, CancellationToken, Task<IEnumerable<ProducerRecord<TOutKey, TOutValue>>>> transform,
        ExactlyOnceOptions options,
        IObserver<CommittedBatch> observer)
    {
        _consumer = consumer;
        _producer = producer;
        _transform = transform;
        _options = options;
        _observer = observer;
    }

    public void Start()
    {
        _rebalances = _consumer.Rebalances.Subscribe(OnRebalance);
        _ = RunAsync();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _done = true;
        }

        _rebalances?.Dispose();
        _stop.Cancel();
    }

    private void OnRebalance(RebalanceEvent change)
    {
        lock (_gate)
        {
            if (change is PartitionsAssigned)
            {
                _gone.ExceptWith(change.Partitions);
                return;
            }

            // Revoked or lost: the transaction in flight must end before the partitions go (KIP-447: its offsets
            // carry this generation), and it must not commit work of partitions this member no longer owns.
            _gone.UnionWith(change.Partitions);
            if (_current is { } current)
            {
                if (current.Partitions.Overlaps(change.Partitions))
                {
                    current.Revoked = true;
                }

                (change as PartitionsRevoked)?.Defer(current.Ended.Task);
            }
        }
    }

    private async Task RunAsync()
    {
        Exception? failure = null;
        try
        {
            if (_producer.TransactionState == TransactionState.Uninitialized)
            {
                await _producer.InitTransactionsAsync(_stop.Token).ConfigureAwait(false);
            }

            var failures = 0;
            await foreach (var read in _consumer.ConsumeBatchesAsync(_options.MaxBatchSize, _stop.Token).ConfigureAwait(false))
            {
                var batch = read.Where(r => !r.IsPartitionEof).ToList();
                var current = batch.Count == 0 ? null : Open(batch);
                if (current is null)
                {
                    continue;
                }

                var error = await TransactAsync(batch, current, failures + 1).ConfigureAwait(false);
                if (error is null)
                {
                    failures = 0;
                    continue;
                }

                if (_stop.IsCancellationRequested)
                {
                    break;
                }

                if (IsFatal(error) || (!current.Revoked && ++failures >= _options.MaxAttempts))
                {
                    failure = error;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            failure = error;
        }

        Finish(failure);
    }

    /// <summary>Registers the batch as the transaction in flight, or returns null when its partitions are gone.</summary>
    private InFlight? Open(List<ConsumeResult<TInKey, TInValue>> batch)
    {
        var partitions = batch.Select(r => r.TopicPartition).ToHashSet();
        lock (_gate)
        {
            if (partitions.Overlaps(_gone) || !partitions.IsSubsetOf(_consumer.Assignment))
            {
                // Read before the revocation took them: the new owner reads them from the committed offsets.
                return null;
            }

            _current = new InFlight(partitions);
            return _current;
        }
    }

    /// <summary>One batch in one transaction; returns null once committed, or why it was aborted.</summary>
    private async Task<Exception?> TransactAsync(List<ConsumeResult<TInKey, TInValue>> batch, InFlight current, int attempt)
    {
        // The identity the offsets carry is the one the records were read under (KIP-447).
        var group = _consumer.GroupMetadata;
        var outputs = 0;
        try
        {
            _producer.BeginTransaction();
            foreach (var record in batch)
            {
                foreach (var output in await _transform(record, _stop.Token).ConfigureAwait(false))
                {
                    _producer.Send(output);
                    outputs++;
                }
            }

            var offsets = NextOffsets(batch);
            ThrowIfStopped(current);
            await _producer.SendOffsetsToTransactionAsync(offsets, group).ConfigureAwait(false);
            ThrowIfStopped(current);
            await _producer.CommitTransactionAsync().ConfigureAwait(false);
            current.Ended.TrySetResult();
            lock (_gate)
            {
                _current = null;
                if (!_done)
                {
                    _observer.OnNext(new CommittedBatch(offsets, batch.Count, outputs, attempt));
                }
            }

            return null;
        }
        catch (Exception error)
        {
            await AbortAsync(batch, current).ConfigureAwait(false);
            return error;
        }
    }

    private void ThrowIfStopped(InFlight current)
    {
        _stop.Token.ThrowIfCancellationRequested();
        if (current.Revoked)
        {
            throw new TransactionAbortedException($"The partitions {string.Join(", ", current.Partitions)} were revoked while their transaction was open: aborted, their new owner reads them again");
        }
    }

    private async Task AbortAsync(List<ConsumeResult<TInKey, TInValue>> batch, InFlight current)
    {
        try
        {
            if (_producer.TransactionState is TransactionState.InTransaction or TransactionState.AbortableError)
            {
                await _producer.AbortTransactionAsync().ConfigureAwait(false);
            }
        }
        catch (KafkaException)
        {
            // Fatal (fenced): the state says so, and the loop fails with the batch's error or this state.
        }
        finally
        {
            lock (_gate)
            {
                // Read the batch again from its first records: what follows them was fetched ahead and is dropped.
                foreach (var first in batch.GroupBy(r => r.TopicPartition).Select(g => g.First()))
                {
                    if (!_gone.Contains(first.TopicPartition) && _consumer.Assignment.Contains(first.TopicPartition))
                    {
                        _consumer.Seek(first.TopicPartitionOffset);
                    }
                }

                _current = null;
            }

            current.Ended.TrySetResult();
        }
    }

    private bool IsFatal(Exception error) =>
        error is ProducerFencedException || _producer.TransactionState == TransactionState.FatalError;

    private static List<TopicPartitionOffset> NextOffsets(List<ConsumeResult<TInKey, TInValue>> batch) =>
        batch.GroupBy(r => r.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset) + 1)).ToList();

    private void Finish(Exception? failure)
    {
        _rebalances?.Dispose();
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            if (failure is null)
            {
                _observer.OnCompleted();
            }
            else
            {
                _observer.OnError(failure);
            }
        }
    }

    /// <summary>The transaction in flight: its input partitions, whether a rebalance took any, and when it ended.</summary>
    private sealed class InFlight(HashSet<TopicPartition> partitions)
    {
        public HashSet<TopicPartition> Partitions { get; } = partitions;

        public volatile bool Revoked;

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
