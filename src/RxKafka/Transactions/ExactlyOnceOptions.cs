namespace RxKafka.Transactions;

/// <summary>
/// How <see cref="ExactlyOnce.TransformExactlyOnce{TInKey, TInValue, TOutKey, TOutValue}(Consumer.KafkaConsumer{TInKey, TInValue}, Producer.KafkaProducer{TOutKey, TOutValue}, Func{Consumer.ConsumeResult{TInKey, TInValue}, IEnumerable{Producer.ProducerRecord{TOutKey, TOutValue}}}, ExactlyOnceOptions?)"/>
/// cuts the input into transactions and what it does when one fails.
/// </summary>
public sealed record ExactlyOnceOptions
{
    /// <summary>The defaults: batches of up to 500 input records, a failing batch tried 3 times.</summary>
    public static ExactlyOnceOptions Default { get; } = new();

    /// <summary>The most input records in one transaction (a batch holds the records the consumer had ready, up to this many).</summary>
    public int MaxBatchSize { get; init; } = 500;

    /// <summary>
    /// How many times in a row a batch may be tried before the pipeline fails with the last error: a failed attempt
    /// (the transform threw, a record or the offsets were refused) is aborted and the consumer sought back to the
    /// batch's first offsets, so the next attempt reads the same records. 1 fails at the first error. Fatal errors
    /// (the producer fenced) fail at once; an abort because the batch's partitions were revoked is not counted.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    internal void Validate()
    {
        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "ExactlyOnceOptions.MaxBatchSize must be at least 1");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "ExactlyOnceOptions.MaxAttempts must be at least 1");
        }
    }
}
