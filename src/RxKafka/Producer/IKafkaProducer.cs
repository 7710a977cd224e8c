namespace RxKafka.Producer;

/// <summary>
/// What an application does with a producer: <see cref="KafkaProducer{TKey, TValue}"/> is the one that
/// talks to Kafka; code that takes this interface can be given a fake in its own tests.
/// </summary>
/// <typeparam name="TKey">The records' key type.</typeparam>
/// <typeparam name="TValue">The records' value type.</typeparam>
public interface IKafkaProducer<TKey, TValue> : IAsyncDisposable
{
    /// <summary>Sends <paramref name="record"/>; completes when the broker acknowledged it, or fails with the reason it was not delivered.</summary>
    Task<RecordMetadata> ProduceAsync(ProducerRecord<TKey, TValue> record, CancellationToken cancellationToken = default);

    /// <summary>Sends a record with <paramref name="key"/> and <paramref name="value"/> to <paramref name="topic"/>; see <see cref="ProduceAsync(ProducerRecord{TKey, TValue}, CancellationToken)"/>.</summary>
    Task<RecordMetadata> ProduceAsync(string topic, TKey key, TValue value, CancellationToken cancellationToken = default);

    /// <summary>Fire-and-forget: queues <paramref name="record"/>; <paramref name="onDelivery"/>, when given, hears the outcome.</summary>
    void Send(ProducerRecord<TKey, TValue> record, Action<DeliveryReport<TKey, TValue>>? onDelivery = null);

    /// <summary>Produces every record of <paramref name="records"/>, one report per record, in order within each partition.</summary>
    IObservable<DeliveryReport<TKey, TValue>> Produce(IObservable<ProducerRecord<TKey, TValue>> records);

    /// <summary>Waits until every record sent before the call is acknowledged or failed.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Transactional producers: gets the producer id and epoch for <c>transactional.id</c>, fencing older producers with it; once, before the first transaction.</summary>
    Task InitTransactionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Transactional producers: opens a transaction.</summary>
    void BeginTransaction();

    /// <summary>Transactional producers: adds a consumer group's offsets to the transaction; they are committed only if it commits.</summary>
    Task SendOffsetsToTransactionAsync(IEnumerable<TopicPartitionOffset> offsets, ConsumerGroupMetadata group, CancellationToken cancellationToken = default);

    /// <summary>Transactional producers: sends the transaction's records, then commits it.</summary>
    Task CommitTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>Transactional producers: aborts the transaction; records not sent fail with <see cref="TransactionAbortedException"/>.</summary>
    Task AbortTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Transactional producers: <paramref name="records"/> in one transaction, as an Rx scope: subscribing begins it,
    /// the source completing commits it, an error or an early dispose aborts it; one report per record, then
    /// completion once committed.
    /// </summary>
    IObservable<DeliveryReport<TKey, TValue>> Transact(IObservable<ProducerRecord<TKey, TValue>> records);

    /// <summary>Stops new sends, delivers what is queued within <paramref name="timeout"/>, and returns how many records could not be delivered.</summary>
    Task<int> CloseAsync(TimeSpan timeout);
}
