using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxKafka.Producer;

// The observable face.
public sealed partial class KafkaProducer<TKey, TValue>
{
    /// <summary>
    /// Produces every record of <paramref name="records"/> and emits one <see cref="DeliveryReport{TKey, TValue}"/>
    /// per record, in order within each partition, completing once the source has completed and every
    /// record is reported. A record that cannot be delivered is a failed report, or, with
    /// <see cref="ProducerOptions.DeliveryErrorsAsReports"/> off, ends the stream with
    /// <c>OnError</c>. When buffer memory is full the source's <c>OnNext</c> waits (up to
    /// <c>max.block.ms</c>): the producer holds back a source that runs ahead of the brokers. Cold:
    /// each subscription produces the records it sees. Subscribing to a closed producer, or a record
    /// arriving after it was closed, ends the stream with <see cref="ObjectDisposedException"/> (and
    /// unsubscribes from the source).
    /// </summary>
    public IObservable<DeliveryReport<TKey, TValue>> Produce(IObservable<ProducerRecord<TKey, TValue>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Observable.Create<DeliveryReport<TKey, TValue>>(observer =>
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                observer.OnError(Closed());
                return Disposable.Empty;
            }

            var gate = new object();
            var outstanding = 0;
            var sourceDone = false;
            var stopped = false;
            var source = new SingleAssignmentDisposable();

            void Finish()
            {
                // Called under the gate.
                if (!stopped && sourceDone && outstanding == 0)
                {
                    stopped = true;
                    observer.OnCompleted();
                }
            }

            void Report(DeliveryReport<TKey, TValue> report)
            {
                lock (gate)
                {
                    outstanding--;
                    if (stopped)
                    {
                        return;
                    }

                    if (report.Error is { } error && !_options.DeliveryErrorsAsReports)
                    {
                        stopped = true;
                        source.Dispose();
                        observer.OnError(error);
                        return;
                    }

                    observer.OnNext(report);
                    Finish();
                }
            }

            source.Disposable = records.Subscribe(
                record =>
                {
                    lock (gate)
                    {
                        if (stopped)
                        {
                            return;
                        }

                        if (Volatile.Read(ref _closed) != 0)
                        {
                            // The producer is gone: end the stream rather than report the record as a
                            // delivery failure, and stop the source, which would only meet the same.
                            stopped = true;
                            source.Dispose();
                            observer.OnError(Closed());
                            return;
                        }

                        outstanding++;
                    }

                    Start(record, new ReportCallback(record, Report), CancellationToken.None, block: true);
                },
                error =>
                {
                    lock (gate)
                    {
                        if (!stopped)
                        {
                            stopped = true;
                            observer.OnError(error);
                        }
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        sourceDone = true;
                        Finish();
                    }
                });
            return Disposable.Create(() =>
            {
                lock (gate)
                {
                    stopped = true;
                }

                source.Dispose();
            });
        });
    }
}
