using System.Runtime.CompilerServices;
using RxKafka.Consumer.Engine;

namespace RxKafka.Consumer;

// The raw face: records as views over the fetched bytes, with nothing allocated per record.
public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <inheritdoc/>
    public IAsyncEnumerable<RawRecordBatch> ConsumeRawAsync(CancellationToken cancellationToken = default)
    {
        // Bad input is refused at the call, not at the first MoveNextAsync: the raw face has no result to acknowledge.
        if (!Options.EnableAutoOffsetStore)
        {
            throw new InvalidOperationException("ConsumeRawAsync needs enable.auto.offset.store=true: its records are views with nothing to Acknowledge; asking for the next batch marks the previous one processed");
        }

        return ConsumeRawCoreAsync(cancellationToken);
    }

    private async IAsyncEnumerable<RawRecordBatch> ConsumeRawCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var view = new RawChunkView(Options);
        await foreach (var chunk in TakeChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            var handedOver = false;
            try
            {
                if (chunk.Error is { } error)
                {
                    handedOver = true;
                    throw error;
                }

                view.Start(chunk);
                handedOver = true;
                yield return new RawRecordBatch(view);
            }
            finally
            {
                // Whatever the application enumerated was handed over; the rest is fetched again (R1: nothing skipped).
                _engine.Release(chunk, handedOver ? view.Finish() : chunk.FetchOffset);
            }
        }
    }
}
