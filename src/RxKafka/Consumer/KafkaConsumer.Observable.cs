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
    /// given, only that partition's chunks (the per-partition face). Passes never overlap, so the observer
    /// is called by one thread at a time and a partition's records stay in order; a poke during a pass makes
    /// one more pass, so no wake-up is lost.
    /// </summary>
    /// <remarks>
    /// The item the scheduler returns is deliberately not kept to be cancelled: on the thread pool a pass may
    /// run, and schedule the next, before the call that scheduled it returns, and storing the older item then
    /// would cancel the newer one and stop the loop for good (records waiting, the prefetch full, nothing
    /// fetched). A stopped loop's pending pass only finishes it.
    /// </remarks>
    private sealed class DeliveryLoop : IDisposable
    {
        private const int Idle = 0;
        private const int Scheduled = 1;
        private const int Running = 2;
        private const int RunAgain = 3;

        private readonly KafkaConsumer<TKey, TValue> _consumer;
        private readonly IObserver<ConsumeResult<TKey, TValue>> _observer;
        private readonly PartitionState? _state;
        private readonly IDisposable? _lease;
        private readonly ChunkReader _reader;
        private readonly Headers _scratch = new();
        private readonly CancellationTokenSource _stop = new();
        private int _pass;
        private int _completing;

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

        /// <summary>Ends the loop with the observer's OnCompleted (a revoked partition, a disposed consumer), after its last OnNext.</summary>
        public void Complete() => End(complete: true);

        public void Dispose() => End(complete: false);

        private void End(bool complete)
        {
            if (!Stop())
            {
                return;
            }

            if (complete)
            {
                Volatile.Write(ref _completing, 1);
            }

            // No pass runs or is due: finish here. Otherwise the pass due next finishes, after the running one's last OnNext.
            if (Interlocked.CompareExchange(ref _pass, Running, Idle) == Idle)
            {
                Finish();
            }
            else
            {
                Schedule();
            }
        }

        private bool Stop()
        {
            if (_stop.IsCancellationRequested)
            {
                return false;
            }

            _stop.Cancel();
            _lease?.Dispose();
            return true;
        }

        // Under the pass (or in its place): the loop's last act. The pass state stays Running, so no pass runs again.
        private void Finish()
        {
            _reader.Dispose();
            if (Interlocked.Exchange(ref _completing, 2) == 1)
            {
                _observer.OnCompleted();
            }
        }

        private void Schedule()
        {
            while (true)
            {
                switch (Volatile.Read(ref _pass))
                {
                    case Idle:
                        if (Interlocked.CompareExchange(ref _pass, Scheduled, Idle) == Idle)
                        {
                            _consumer._engine.Scheduler.Schedule(Pass);
                            return;
                        }

                        break;
                    case Running:
                        if (Interlocked.CompareExchange(ref _pass, RunAgain, Running) == Running)
                        {
                            return;
                        }

                        break;
                    default:
                        // Scheduled, or a pass will go again: it will see what this call was for.
                        return;
                }
            }
        }

        // The end of a pass: another one when asked (a chunk was delivered, or a poke came meanwhile), else idle.
        private void EndPass(bool again)
        {
            if (!again && Interlocked.CompareExchange(ref _pass, Idle, Running) == Running)
            {
                return;
            }

            Volatile.Write(ref _pass, Scheduled);
            _consumer._engine.Scheduler.Schedule(Pass);
        }

        private void Pass()
        {
            Volatile.Write(ref _pass, Running);
            if (Volatile.Read(ref _consumer._disposed) == 1 && Stop())
            {
                Volatile.Write(ref _completing, 1);
            }

            if (IsStopped)
            {
                Finish();
                return;
            }

            var engine = _consumer._engine;
            var taken = _state is null ? engine.TryTake(out var chunk) : engine.TryTake(_state, out chunk);
            if (!taken)
            {
                if (_state is null)
                {
                    // Woken when a chunk arrives (or the loop stops: its next pass finishes it); a per-partition
                    // loop is poked by its face instead.
                    engine.WaitAsync(_stop.Token).ContinueWith(static (t, s) => ((DeliveryLoop)s!).Schedule(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                EndPass(again: false);
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
            }

            // One chunk per pass, then back to the scheduler: other work (and other partitions' loops) gets a turn.
            // A stopped loop's next pass finishes it.
            EndPass(again: true);
        }
    }
}
