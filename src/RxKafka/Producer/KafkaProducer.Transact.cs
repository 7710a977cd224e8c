using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxKafka.Producer;

// A transaction as an Rx scope (issue 13, T1): subscribing begins it, the source completing commits it, an
// error or an early dispose aborts it. See docs/transactions.md.
public sealed partial class KafkaProducer<TKey, TValue>
{
    // 1 while a Transact scope owns the producer's transaction (from its subscription until its commit or abort
    // has ended): a second scope would otherwise write into the first one's transaction.
    private int _scopeOpen;

    /// <summary>
    /// Produces <paramref name="records"/> in one transaction: subscribing begins it (<see cref="BeginTransaction"/>),
    /// each record is sent in it and reported as by <see cref="Produce"/>; when the source completes the transaction
    /// is committed and the stream completes after the commit. When the source fails, a record cannot be delivered,
    /// or the subscription is disposed before the commit began, the transaction is aborted (read_committed
    /// consumers never see its records) and the stream fails with the cause (nothing more is emitted after a
    /// dispose). One scope at a time per producer; call <see cref="InitTransactionsAsync"/> first.
    /// </summary>
    /// <param name="records">The transaction's records; cold: each subscription is its own transaction.</param>
    /// <returns>One report per record, then completion once the transaction is committed.</returns>
    /// <remarks>
    /// Errors through <c>OnError</c>: <see cref="InvalidOperationException"/> when another scope's transaction is
    /// still open or ending, or the producer is not transactional or not initialized; the commit's error (e.g.
    /// <see cref="ProducerFencedException"/>, terminal) after the abort it needs.
    /// </remarks>
    public IObservable<DeliveryReport<TKey, TValue>> Transact(IObservable<ProducerRecord<TKey, TValue>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Observable.Create<DeliveryReport<TKey, TValue>>(observer =>
        {
            if (Interlocked.CompareExchange(ref _scopeOpen, 1, 0) != 0)
            {
                observer.OnError(new InvalidOperationException(
                    $"A transaction scope is already open on the producer with transactional.id '{_options.TransactionalId}': one transaction at a time per producer; subscribe after the other scope has ended"));
                return Disposable.Empty;
            }

            try
            {
                BeginTransaction();
            }
            catch (Exception error)
            {
                Volatile.Write(ref _scopeOpen, 0);
                observer.OnError(error);
                return Disposable.Empty;
            }

            var scope = new TransactionScope(this, observer);
            scope.Start(records);
            return scope;
        });
    }

    /// <summary>One subscription of <see cref="Transact"/>: forwards the reports, then ends the transaction once, one way.</summary>
    private sealed class TransactionScope(KafkaProducer<TKey, TValue> producer, IObserver<DeliveryReport<TKey, TValue>> observer) : IDisposable
    {
        private readonly object _gate = new();
        private readonly SingleAssignmentDisposable _source = new();
        private bool _ending;
        private bool _disposed;

        public void Start(IObservable<ProducerRecord<TKey, TValue>> records) =>
            _source.Disposable = producer.Produce(records).Subscribe(Forward, error => _ = AbortAsync(error), () => _ = CommitAsync());

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
            }

            _source.Dispose();
            _ = AbortAsync(null);
        }

        private void Forward(DeliveryReport<TKey, TValue> report)
        {
            lock (_gate)
            {
                if (!_disposed && !_ending)
                {
                    observer.OnNext(report);
                }
            }
        }

        private bool TryEnd()
        {
            lock (_gate)
            {
                if (_ending)
                {
                    return false;
                }

                _ending = true;
                return true;
            }
        }

        private async Task CommitAsync()
        {
            if (!TryEnd())
            {
                return;
            }

            try
            {
                await producer.CommitTransactionAsync().ConfigureAwait(false);
            }
            catch (Exception error)
            {
                // A commit that failed leaves the transaction to abort (abortable) or the producer dead (fatal).
                await EndAsync(error, abort: producer.TransactionState == TransactionState.AbortableError).ConfigureAwait(false);
                return;
            }

            await EndAsync(null, abort: false).ConfigureAwait(false);
        }

        private async Task AbortAsync(Exception? error)
        {
            if (TryEnd())
            {
                await EndAsync(error, abort: true).ConfigureAwait(false);
            }
        }

        private async Task EndAsync(Exception? error, bool abort)
        {
            if (abort)
            {
                try
                {
                    await producer.AbortTransactionAsync().ConfigureAwait(false);
                }
                catch (Exception abortError)
                {
                    // The abort failed fatally (fenced): that is what the application must act on.
                    error ??= abortError;
                }
            }

            // The producer is free for the next scope only once this one's transaction has ended.
            Volatile.Write(ref producer._scopeOpen, 0);
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                if (error is null)
                {
                    observer.OnCompleted();
                }
                else
                {
                    observer.OnError(error);
                }
            }
        }
    }
}
