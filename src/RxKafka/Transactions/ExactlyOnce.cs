using System.Reactive.Linq;
using RxKafka.Consumer;
using RxKafka.Producer;

namespace RxKafka.Transactions;

/// <summary>
/// Exactly-once consume → transform → produce as one operator (KIP-98, KIP-447; T3): each batch of input records
/// is transformed, its outputs produced and its offsets sent in one transaction. See docs/transactions.md.
/// </summary>
public static class ExactlyOnce
{
    /// <summary>
    /// Reads <paramref name="consumer"/> in batches and, per batch, in one transaction of <paramref name="producer"/>:
    /// produces what <paramref name="transform"/> makes of each record, sends the batch's next offsets with the
    /// consumer's group metadata, and commits. A batch that fails is aborted and the consumer sought back to its
    /// first offsets, then tried again up to <see cref="ExactlyOnceOptions.MaxAttempts"/>. A rebalance waits
    /// (<see cref="PartitionsRevoked.Defer"/>) for the transaction in flight; one holding revoked partitions is
    /// aborted, so nothing is committed for partitions the member gave up. Emits each committed batch; fails with a
    /// fatal error (the producer fenced) or the last error of a batch out of attempts; disposing the subscription
    /// aborts the transaction in flight.
    /// </summary>
    /// <param name="consumer">A subscribed consumer with <c>group.id</c>, <c>isolation.level=read_committed</c> and <c>enable.auto.commit=false</c>, read only by this pipeline.</param>
    /// <param name="producer">A producer with <c>transactional.id</c> used only by this pipeline (initialized on subscribe when it is not yet).</param>
    /// <param name="transform">The records to produce for one input record (none to drop it).</param>
    /// <param name="options">Batch size and retries; <see cref="ExactlyOnceOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The consumer or producer is set up in a way that cannot give exactly-once (the message names the setting).</exception>
    public static IObservable<CommittedBatch> TransformExactlyOnce<TInKey, TInValue, TOutKey, TOutValue>(
        this KafkaConsumer<TInKey, TInValue> consumer,
        KafkaProducer<TOutKey, TOutValue> producer,
        Func<ConsumeResult<TInKey, TInValue>, IEnumerable<ProducerRecord<TOutKey, TOutValue>>> transform,
        ExactlyOnceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return consumer.TransformExactlyOnce(producer, (record, _) => Task.FromResult(transform(record)), options);
    }

    /// <summary>
    /// As <see cref="TransformExactlyOnce{TInKey, TInValue, TOutKey, TOutValue}(KafkaConsumer{TInKey, TInValue}, KafkaProducer{TOutKey, TOutValue}, Func{ConsumeResult{TInKey, TInValue}, IEnumerable{ProducerRecord{TOutKey, TOutValue}}}, ExactlyOnceOptions?)"/>,
    /// with an asynchronous transform (its token is cancelled when the subscription is disposed).
    /// </summary>
    /// <param name="consumer">A subscribed consumer with <c>group.id</c>, <c>isolation.level=read_committed</c> and <c>enable.auto.commit=false</c>, read only by this pipeline.</param>
    /// <param name="producer">A producer with <c>transactional.id</c> used only by this pipeline.</param>
    /// <param name="transform">The records to produce for one input record.</param>
    /// <param name="options">Batch size and retries; <see cref="ExactlyOnceOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The consumer or producer is set up in a way that cannot give exactly-once.</exception>
    public static IObservable<CommittedBatch> TransformExactlyOnce<TInKey, TInValue, TOutKey, TOutValue>(
        this KafkaConsumer<TInKey, TInValue> consumer,
        KafkaProducer<TOutKey, TOutValue> producer,
        Func<ConsumeResult<TInKey, TInValue>, CancellationToken, Task<IEnumerable<ProducerRecord<TOutKey, TOutValue>>>> transform,
        ExactlyOnceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(transform);
        options ??= ExactlyOnceOptions.Default;
        options.Validate();
        Check(consumer.Options, producer.Options);
        return Observable.Create<CommittedBatch>(observer =>
        {
            var pipeline = new ExactlyOncePipeline<TInKey, TInValue, TOutKey, TOutValue>(consumer, producer, transform, options, observer);
            pipeline.Start();
            return pipeline;
        });
    }

    // Each of these would silently turn exactly-once into at-least-once (or worse): refuse them up front.
    private static void Check(ConsumerOptions consumer, ProducerOptions producer)
    {
        if (consumer.GroupId is null)
        {
            throw new ArgumentException("The consumer has no group.id: exactly-once commits the input offsets to a consumer group", nameof(consumer));
        }

        if (consumer.EnableAutoCommit)
        {
            throw new ArgumentException("The consumer has enable.auto.commit=true: offsets must be committed only with the transaction; set EnableAutoCommit = false", nameof(consumer));
        }

        if (consumer.IsolationLevel != IsolationLevel.ReadCommitted)
        {
            throw new ArgumentException("The consumer reads with isolation.level=read_uncommitted: it would transform records of aborted transactions; set IsolationLevel = ReadCommitted", nameof(consumer));
        }

        if (producer.TransactionalId is null)
        {
            throw new ArgumentException("The producer has no transactional.id: set ProducerOptions.TransactionalId", nameof(producer));
        }
    }
}
