using System.Runtime.CompilerServices;
using RxKafka.Consumer.Engine;
using RxKafka.Serialization;

namespace RxKafka.Consumer;

// The pull faces: records, or batches of them, as IAsyncEnumerable (R1).
public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <inheritdoc/>
    public IAsyncEnumerable<ConsumeResult<TKey, TValue>> ConsumeAsync(CancellationToken cancellationToken = default) =>
        new RecordStream(this, cancellationToken);

    /// <inheritdoc/>
    public async IAsyncEnumerable<IReadOnlyList<ConsumeResult<TKey, TValue>>> ConsumeBatchesAsync(int maxBatchSize = 10_000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        using var reader = new ChunkReader(Options);
        var scratch = new Headers();

        // Each list starts at the size the last one reached, so a chunk's records are not copied again as a
        // list grows from nothing (doubling to 10,000 copies them about twice over).
        var capacity = 16;
        await foreach (var chunk in TakeChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            var next = chunk.FetchOffset;
            var completed = IsNotice(chunk);
            try
            {
                if (completed)
                {
                    yield return [Notice(chunk)];
                    continue;
                }

                reader.Start(chunk);
                var batch = new List<ConsumeResult<TKey, TValue>>(capacity);
                while (chunk.MayDeliver && reader.TryRead())
                {
                    var record = reader.Current;
                    batch.Add(Materialize(chunk, record, reader.LeaderEpoch, scratch));
                    chunk.State.Acks?.Delivered(record.Offset);
                    if (batch.Count == maxBatchSize)
                    {
                        capacity = maxBatchSize;
                        next = batch[^1].Offset + 1;
                        Volatile.Write(ref chunk.State.Delivered, next);
                        yield return batch;
                        Processed(chunk.State, next);
                        batch = new List<ConsumeResult<TKey, TValue>>(capacity);
                    }
                }

                if (batch.Count > 0)
                {
                    capacity = Math.Max(16, batch.Count);
                    next = batch[^1].Offset + 1;
                    Volatile.Write(ref chunk.State.Delivered, next);
                    yield return batch;
                    Processed(chunk.State, next);
                }

                completed = chunk.MayDeliver;
            }
            finally
            {
                _engine.Release(chunk, completed ? null : next);
            }
        }
    }

    /// <summary>
    /// The chunks a pull face reads, taken as they come (waiting when there are none) while this face holds the
    /// consumer; each must be given back with <c>Release</c>.
    /// </summary>
    private async IAsyncEnumerable<FetchedChunk> TakeChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lease = BeginReading();
        while (Volatile.Read(ref _disposed) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_engine.TryTake(out var chunk))
            {
                yield return chunk;
            }
            else
            {
                await _engine.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
