using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxKafka.Consumer.Engine;
using RxKafka.Serialization;

namespace RxKafka.Consumer;

// The push face: records as IObservable, with the prefetch bound as backpressure (R1, R2).
public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <inheritdoc/>
    public IObservable<ConsumeResult<TKey, TValue>> Consume() => Observable.Create<ConsumeResult<TKey, TValue>>(observer =>
    {
        var lease = BeginReading();
        var loop = new DeliveryLoop(this, observer, state: null, lease);
        loop.Start();
        return loop;
    });

    /// <summary>
    /// Hands one chunk's records to <paramref name="observer"/>, each marked processed when the call returns;
    /// the chunk goes back to the engine at the end, or at the record where delivery stopped (a throwing
    /// deserializer, a disposal), which is where the partition then resumes.
    /// </summary>
    private void Deliver(FetchedChunk chunk, ChunkReader reader, Headers scratch, IObserver<ConsumeResult<TKey, TValue>> observer, CancellationToken stop)
    {
        var next = chunk.FetchOffset;
        var completed = IsNotice(chunk);
        try
        {
            if (completed)
            {
                observer.OnNext(Notice(chunk));
                return;
            }

            reader.Start(chunk);
            while (!stop.IsCancellationRequested && chunk.MayDeliver && !_engine.AtAcknowledgementBound(chunk.State) && reader.TryRead())
            {
                var record = reader.Current;
                var result = Materialize(chunk, record, reader.LeaderEpoch, scratch);
                next = record.Offset + 1;
                Handed(chunk.State, record.Offset);
                observer.OnNext(result);
                Processed(chunk.State, next);
            }

            completed = !stop.IsCancellationRequested && chunk.MayDeliver && !_engine.AtAcknowledgementBound(chunk.State);
        }
        finally
        {
            _engine.Release(chunk, completed ? null : next);
        }
    }

    /// <summary>
    /// Delivers chunks to one observer, one chunk per pass on the scheduler (never on a read loop): a slow
    /// observer holds its pass, the prefetch fills to its bound, and fetching waits (R2). With a partition
    /// given, only that partition's chunks (the per-partition face).
    /// </summary>
    private sealed class DeliveryLoop : IDisposable
    {
        private readonly KafkaConsumer<TKey, TValue> _consumer;
        private readonly IObserver<ConsumeResult<TKey, TValue>> _observer;
        private readonly PartitionState? _state;
        private readonly IDisposable? _lease;
        private readonly ChunkReader _reader;
        private readonly Headers _scratch = new();
        private readonly CancellationTokenSource _stop = new();
        private int _scheduled;

        // The pass scheduled last, cancelled by Stop. Not a SerialDisposable: assigning one disposes what it held,
        // and a thread that stored its handle late (after the pass it scheduled had run and scheduled the next)
        // cancelled that next pass; with _scheduled still set no pass ran again, and the face hung with every
        // thread idle. A handle stored late now only means that a pass may run after Stop, and it returns at once.
        private IDisposable? _pending;

        public DeliveryLoop(KafkaConsumer<TKey, TValue> consumer, IObserver<ConsumeResult<TKey, TValue>> observer, PartitionState? state, IDisposable? lease)
        {
            _consumer = consumer;
            _observer = observer;
            _state = state;
            _lease = lease;
            _reader = new ChunkReader(consumer.Options);
        }

        public bool IsStopped => _stop.IsCancellationRequested;

        public void Start() => Schedule();

        /// <summary>There may be a chunk for this loop: run a pass unless one is scheduled.</summary>
        public void Poke()
        {
            if (!IsStopped)
            {
                Schedule();
            }
        }

        /// <summary>Ends the loop with the observer's OnCompleted (a revoked partition, a disposed consumer).</summary>
        public void Complete()
        {
            if (Stop())
            {
                _observer.OnCompleted();
            }
        }

        public void Dispose() => Stop();

        private bool Stop()
        {
            if (_stop.IsCancellationRequested)
            {
                return false;
            }

            _stop.Cancel();
            Interlocked.Exchange(ref _pending, null)?.Dispose();
            _lease?.Dispose();
            return true;
        }

        private void Schedule()
        {
            if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            {
                Volatile.Write(ref _pending, _consumer._engine.Scheduler.Schedule(Pass));
            }
        }

        private void Pass()
        {
            Volatile.Write(ref _scheduled, 0);
            if (IsStopped)
            {
                _reader.Dispose();
                return;
            }

            if (Volatile.Read(ref _consumer._disposed) == 1)
            {
                Complete();
                return;
            }

            var engine = _consumer._engine;
            var taken = _state is null ? engine.TryTake(out var chunk) : engine.TryTake(_state, out chunk);
            if (!taken)
            {
                if (_state is null)
                {
                    // Woken when a chunk arrives; a per-partition loop is poked by its face instead.
                    engine.WaitAsync(_stop.Token).ContinueWith(static (t, s) => ((DeliveryLoop)s!).Poke(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                return;
            }

            try
            {
                _consumer.Deliver(chunk, _reader, _scratch, _observer, _stop.Token);
            }
            catch (Exception e)
            {
                if (Stop())
                {
                    _observer.OnError(e);
                }
                else
                {
                    // The subscriber's own OnNext threw: Rx detached it already; the records from the one it threw
                    // on are fetched again by the next reader.
                    Microsoft.Extensions.Logging.LoggerExtensions.LogError(_consumer._logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, e, "A consumer subscriber threw; its subscription ended");
                }

                return;
            }

            // One chunk per pass, then back to the scheduler: other work (and other partitions' loops) gets a turn.
            Schedule();
        }
    }
}
