using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Producer.Engine;

namespace RxKafka.Producer;

// Flush, close (S8) and the bookkeeping of batches done.
public sealed partial class KafkaProducer<TKey, TValue>
{
    /// <summary>
    /// Waits until every record sent before the call is acknowledged or failed, sending batches now
    /// instead of waiting for <c>linger.ms</c>. Code after the await runs on the thread pool, never on
    /// the thread that reads the broker's answers.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = FlushCoreAsync(cancellationToken);
        if (flushed.IsCompleted)
        {
            return flushed;
        }

        // The caller's continuation never runs on the thread that read the broker's answer: code after
        // an awaited flush may block (a Send waiting for buffer memory) and must not hold up the reads.
        // The task itself completes with the flush, so virtual time sees it at once.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flushed.ContinueWith(
            static (t, state) =>
            {
                var done = (TaskCompletionSource)state!;
                if (t.IsCanceled)
                {
                    try
                    {
                        t.GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException e)
                    {
                        done.TrySetCanceled(e.CancellationToken);
                    }
                }
                else if (t.Exception is { } error)
                {
                    done.TrySetException(error.InnerExceptions);
                }
                else
                {
                    done.TrySetResult();
                }
            },
            done,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return done.Task;
    }

    private async Task FlushCoreAsync(CancellationToken cancellationToken)
    {
        // Records still waiting for metadata or memory are part of what was sent before the call.
        await AllPlacedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await FlushBatchesAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task FlushBatchesAsync(CancellationToken cancellationToken)
    {
        var upTo = _accumulator.LastBatchId;
        var done = new TaskCompletionSource();
        lock (_pendingGate)
        {
            if (_incomplete.Count == 0 || _incomplete.Min > upTo)
            {
                return Task.CompletedTask;
            }

            _flushWaiters.Add((upTo, done));
        }

        _accumulator.BeginFlush();
        return done.Task.ContinueWith(
            t =>
            {
                _accumulator.EndFlush();
                return t;
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap().WaitAsync(cancellationToken);
    }

    /// <summary>
    /// S8: stops new sends (<see cref="Send"/> throws <see cref="ObjectDisposedException"/>, the task of
    /// <see cref="ProduceAsync(ProducerRecord{TKey, TValue}, CancellationToken)"/> fails with it and
    /// <see cref="Produce"/>'s stream ends with it), delivers what is
    /// queued within <paramref name="timeout"/>, fails what is left with an error saying it was not
    /// delivered, and closes the connections. Nothing acknowledged is lost. A timeout of zero does not
    /// wait on the scheduler at all: only what is delivered without time passing gets through.
    /// </summary>
    /// <returns>How many records could not be delivered.</returns>
    public async Task<int> CloseAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return 0;
        }

        var flush = FlushCoreAsync(CancellationToken.None); // not FlushAsync: its completion hops to the thread pool, and virtual time must see this at once
        var finished = flush.IsCompleted || timeout <= TimeSpan.Zero
            ? flush
            : await Task.WhenAny(flush, Observable.Timer(timeout, _scheduler).ToTask()).ConfigureAwait(false);
        var left = 0;
        if (finished != flush || !flush.IsCompleted)
        {
            foreach (var batch in _accumulator.TakeAll())
            {
                left += batch.Count;
                _sender.FailQueued(batch, new KafkaException(RxKafka.ErrorCode.None, $"{batch.Count} record(s) for {batch.Partition} were not delivered: the producer was closed after waiting {timeout.TotalMilliseconds:0} ms"));
            }

            _logger?.LogWarning("Producer closed with {Count} record(s) not delivered", left);
        }

        await _sender.DisposeAsync().ConfigureAwait(false);
        ProducerInstruments.Unregister(_memory);
        _accumulator.Dispose();
        if (_ownsClient)
        {
            await Client.DisposeAsync().ConfigureAwait(false);
        }

        return left;
    }

    /// <summary>
    /// Closes the producer, waiting up to <c>delivery.timeout.ms</c> for what is queued; see <see cref="CloseAsync"/>.
    /// Under a virtual-time scheduler (a TestScheduler) it does not wait: nothing would advance the clock
    /// while it did (a failed assertion inside <c>await using</c> would hang the test), so what is not
    /// delivered by then fails at once. To deliver it first, advance the scheduler until
    /// <see cref="CloseAsync"/> with a timeout completes (<c>TestSchedulerExtensions.AdvanceUntilCompleted</c>).
    /// </summary>
    public async ValueTask DisposeAsync() =>
        await CloseAsync(Reactive.SerialExecutor.IsVirtualTime(_scheduler) ? TimeSpan.Zero : _options.DeliveryTimeout).ConfigureAwait(false);

    private void OnBatchDone(ProducerBatch batch, Exception? error)
    {
        _memory.Release(batch.ReservedBytes);
        List<TaskCompletionSource>? done = null;
        lock (_pendingGate)
        {
            if (!_incomplete.Remove(batch.Id))
            {
                _doneBeforeNoted.Add(batch.Id);
            }

            var lowest = _incomplete.Count == 0 ? long.MaxValue : _incomplete.Min;
            for (var i = _flushWaiters.Count - 1; i >= 0; i--)
            {
                if (_flushWaiters[i].UpTo < lowest)
                {
                    (done ??= new()).Add(_flushWaiters[i].Done);
                    _flushWaiters.RemoveAt(i);
                }
            }
        }

        batch.Dispose();
        foreach (var waiter in done ?? [])
        {
            waiter.TrySetResult();
        }
    }
}
