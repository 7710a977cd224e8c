using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Client;
using RxKafka.Producer.Engine;

namespace RxKafka.Producer;

// The line of records waiting for metadata or memory, in call order (P1), and the path into it.
public sealed partial class KafkaProducer<TKey, TValue>
{
    private void Start(ProducerRecord<TKey, TValue> record, IDeliveryCallback? callback, CancellationToken cancellationToken, bool block = false)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            Fail(record, callback, null, Closed());
            return;
        }

        Interlocked.Increment(ref _unplaced);
        Waiting? waiting = null;
        if (Volatile.Read(ref _lineLength) > 0)
        {
            // (Read without the lock first: the line is empty almost always. A caller sees its own
            // records' place in the line; callers on other threads have no order between them.)
            lock (_lineGate)
            {
                if (_line.Count > 0)
                {
                    // Records wait for metadata or memory: this one goes behind them, so that no record
                    // overtakes an earlier one (per-partition order is call order, as the Java client's
                    // blocking send keeps it).
                    waiting = new Waiting(record, callback, null, cancellationToken);
                    _line.Enqueue(waiting);
                    Volatile.Write(ref _lineLength, _line.Count);
                }
            }
        }

        if (waiting is null)
        {
            Need? first;
            try
            {
                first = TryProduce(record, callback);
            }
            catch (Exception e)
            {
                Fail(record, callback, null, e);
                RecordLeftSlowPath();
                return;
            }

            if (first is not { } need)
            {
                return;
            }

            bool startLine;
            waiting = new Waiting(record, callback, need, cancellationToken);
            lock (_lineGate)
            {
                _line.Enqueue(waiting);
                Volatile.Write(ref _lineLength, _line.Count);
                startLine = _line.Count == 1;
            }

            if (startLine)
            {
                _ = PlaceWaitingAsync();
            }
        }

        if (block && (waiting.Need is { Memory: > 0 } || Volatile.Read(ref _lineWaitsForMemory)))
        {
            // Backpressure for fire-and-forget and for an observable source: the caller waits.
            waiting.Placed.Task.GetAwaiter().GetResult();
        }
    }

    /// <summary>Places the records of the line in order, each once what it waits for (metadata, memory) is there; ends when the line is empty.</summary>
    private async Task PlaceWaitingAsync()
    {
        while (true)
        {
            Waiting head;
            lock (_lineGate)
            {
                head = _line.Peek();
            }

            await PlaceAsync(head).ConfigureAwait(false);
            head.Placed.TrySetResult();
            lock (_lineGate)
            {
                // Taken off only once placed: a record arriving meanwhile still sees the line and joins it.
                _line.Dequeue();
                Volatile.Write(ref _lineLength, _line.Count);
                if (_line.Count == 0)
                {
                    return;
                }
            }
        }
    }

    private async Task PlaceAsync(Waiting waiting)
    {
        var (record, callback) = (waiting.Record, waiting.Callback);
        var started = _scheduler.Now;
        try
        {
            var need = waiting.Need ?? TryProduce(record, callback);
            while (need is { } n)
            {
                if (n.Metadata)
                {
                    await Client.WaitForTopic(record.Topic).Timeout(_options.MaxBlock, _scheduler).ToTask(waiting.CancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Reserved here, in the order records asked, and handed to TryProduce.
                    Volatile.Write(ref _lineWaitsForMemory, true);
                    try
                    {
                        await _memory.ReserveAsync(n.Memory, waiting.CancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Volatile.Write(ref _lineWaitsForMemory, false);
                    }
                }

                need = TryProduce(record, callback, n.Metadata ? 0 : n.Memory);
            }
        }
        catch (TimeoutException)
        {
            // What failed meanwhile (a refused connection, TLS, SASL) is the likely reason: say it.
            var causes = Client.FailuresSince(started);
            var message = $"topic '{record.Topic}' was not in the metadata within max.block.ms ({_options.MaxBlock.TotalMilliseconds:0} ms)";
            Fail(record, callback, null, new KafkaException(RxKafka.ErrorCode.None, RecentFailures.Append(message, causes), causes));
            RecordLeftSlowPath();
        }
        catch (Exception e)
        {
            Fail(record, callback, null, e);
            RecordLeftSlowPath();
        }
    }

    // Records accepted but not yet in a batch (waiting for metadata or memory): a flush waits for them too.
    private void RecordLeftSlowPath()
    {
        // Once per record: the lock only when a flush waits. A flush that starts waiting after the read
        // of _unplacedWaiterCount looks at _unplaced again itself (both sides fence).
        if (Interlocked.Decrement(ref _unplaced) == 0 && Volatile.Read(ref _unplacedWaiterCount) > 0)
        {
            List<TaskCompletionSource>? waiting;
            lock (_pendingGate)
            {
                waiting = _unplacedWaiters.Count == 0 ? null : new List<TaskCompletionSource>(_unplacedWaiters);
                _unplacedWaiters.Clear();
                Volatile.Write(ref _unplacedWaiterCount, 0);
            }

            if (waiting is not null)
            {
                foreach (var waiter in waiting)
                {
                    waiter.TrySetResult();
                }
            }
        }
    }

    private Task AllPlacedAsync()
    {
        var done = new TaskCompletionSource();
        lock (_pendingGate)
        {
            if (Volatile.Read(ref _unplaced) == 0)
            {
                return Task.CompletedTask;
            }

            _unplacedWaiters.Add(done);
            Interlocked.Exchange(ref _unplacedWaiterCount, _unplacedWaiters.Count);
        }

        return Volatile.Read(ref _unplaced) == 0 ? Task.CompletedTask : done.Task;
    }

    private readonly record struct Need(bool Metadata, int Memory);

    /// <summary>A record in the line of those waiting for metadata or memory.</summary>
    private sealed class Waiting(ProducerRecord<TKey, TValue> record, IDeliveryCallback? callback, Need? need, CancellationToken cancellationToken)
    {
        public ProducerRecord<TKey, TValue> Record { get; } = record;

        public IDeliveryCallback? Callback { get; } = callback;

        /// <summary>What it waits for, or null when it joined the line without trying (it tries when its turn comes).</summary>
        public Need? Need { get; } = need;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Completes when the record is in a batch or failed.</summary>
        public TaskCompletionSource Placed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
