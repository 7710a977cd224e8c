using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Consumer;

namespace RxKafka.Cli.Commands;

/// <summary>The consumer face a <c>bench consume</c> pass reads through.</summary>
internal enum ConsumeFace
{
    /// <summary><c>ConsumeAsync</c>: one record per <c>MoveNextAsync</c>.</summary>
    Records,

    /// <summary><c>ConsumeBatchesAsync</c>: a fetched chunk per <c>MoveNextAsync</c>.</summary>
    Batches,

    /// <summary><c>Consume()</c>: records pushed to an observer.</summary>
    Observable,
}

/// <summary>One pass of <c>bench consume</c>: reads a number of records through one face and counts them and their value bytes.</summary>
internal static class ConsumePasses
{
    /// <summary>Reads <paramref name="count"/> records through <paramref name="face"/>; returns the records and value bytes read.</summary>
    /// <exception cref="ConsumeException">A partition could not be read.</exception>
    public static Task<(long Records, long Bytes)> ReadAsync(KafkaConsumer<byte[]?, byte[]?> consumer, ConsumeFace face, long count, CancellationToken cancellationToken) => face switch
    {
        ConsumeFace.Records => RecordsAsync(consumer, count, cancellationToken),
        ConsumeFace.Batches => BatchesAsync(consumer, count, cancellationToken),
        _ => ObservableAsync(consumer, count, cancellationToken),
    };

    private static async Task<(long, long)> RecordsAsync(KafkaConsumer<byte[]?, byte[]?> consumer, long count, CancellationToken cancellationToken)
    {
        var (records, bytes) = (0L, 0L);
        await foreach (var record in consumer.ConsumeAsync(cancellationToken))
        {
            bytes += record.Value?.Length ?? 0;
            if (++records == count)
            {
                break;
            }
        }

        return (records, bytes);
    }

    private static async Task<(long, long)> BatchesAsync(KafkaConsumer<byte[]?, byte[]?> consumer, long count, CancellationToken cancellationToken)
    {
        var (records, bytes) = (0L, 0L);
        await foreach (var batch in consumer.ConsumeBatchesAsync(cancellationToken: cancellationToken))
        {
            foreach (var record in batch)
            {
                bytes += record.Value?.Length ?? 0;
                if (++records == count)
                {
                    return (records, bytes);
                }
            }
        }

        return (records, bytes);
    }

    private static async Task<(long, long)> ObservableAsync(KafkaConsumer<byte[]?, byte[]?> consumer, long count, CancellationToken cancellationToken)
    {
        // The observer only counts; OnNext runs one at a time, so plain fields are safe, and the result is read after the end.
        var (records, bytes) = (0L, 0L);
        await consumer.Consume()
            .TakeWhile(record =>
            {
                bytes += record.Value?.Length ?? 0;
                return ++records < count;
            })
            .LastOrDefaultAsync()
            .ToTask(cancellationToken);
        return (records, bytes);
    }
}
