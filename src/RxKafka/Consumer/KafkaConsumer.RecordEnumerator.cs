using RxKafka.Consumer.Engine;
using RxKafka.Serialization;

namespace RxKafka.Consumer;

// The records face (ConsumeAsync) as a hand-written async enumerator. The compiler's async iterator paid for
// every record what only taking a chunk needs: a pass through its builder (capturing and restoring the
// execution context), its promise, and the state machine of the chunk loop nested in it. Here a record of the
// chunk being read is handed over synchronously from MoveNextAsync; only taking a chunk, or waiting for one, is
// asynchronous. What happens per record, and where a stop leaves the position, is what the iterator did.
public sealed partial class KafkaConsumer<TKey, TValue>
{
    private sealed class RecordStream(KafkaConsumer<TKey, TValue> consumer, CancellationToken cancellationToken) : IAsyncEnumerable<ConsumeResult<TKey, TValue>>
    {
        // One token from the method's and the enumerator's, as the compiler's iterators combine them.
        public IAsyncEnumerator<ConsumeResult<TKey, TValue>> GetAsyncEnumerator(CancellationToken token = default)
        {
            if (!cancellationToken.CanBeCanceled || cancellationToken == token)
            {
                return new RecordEnumerator(consumer, token, linked: null);
            }

            if (!token.CanBeCanceled)
            {
                return new RecordEnumerator(consumer, cancellationToken, linked: null);
            }

            var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, token);
            return new RecordEnumerator(consumer, linked.Token, linked);
        }
    }

    private sealed class RecordEnumerator(KafkaConsumer<TKey, TValue> consumer, CancellationToken cancellationToken, CancellationTokenSource? linked)
        : IAsyncEnumerator<ConsumeResult<TKey, TValue>>
    {
        private readonly FetchEngine _engine = consumer._engine;
        private readonly Headers _scratch = new();

        // Held from the first MoveNextAsync to the end: one face reads the consumer at a time.
        private IDisposable? _lease;
        private ChunkReader? _reader;

        // The chunk taken and not given back yet: records being read, or a notice handed over (_notice).
        private FetchedChunk? _chunk;
        private bool _notice;

        // A record of _chunk was handed over: the next MoveNextAsync says the application is done with it (R9).
        private bool _handed;

        // The first offset of _chunk not handed over: where the partition resumes if reading stops early.
        private long _next;
        private bool _ended;
        private ConsumeResult<TKey, TValue>? _current;

        public ConsumeResult<TKey, TValue> Current => _current!;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_chunk is { } chunk && !_notice)
            {
                try
                {
                    if (_handed)
                    {
                        _handed = false;
                        Processed(chunk.State, _next);
                    }

                    if (TryDeliver(chunk))
                    {
                        return new ValueTask<bool>(true);
                    }
                }
                catch
                {
                    End();
                    throw;
                }
            }

            return NextChunkAsync();
        }

        public ValueTask DisposeAsync()
        {
            End();
            return default;
        }

        // The next record of the chunk into _current; false once the chunk is done (read to its end, or stopped
        // by a pause, a seek or the acknowledgement bound), which gives it back.
        private bool TryDeliver(FetchedChunk chunk)
        {
            var reader = _reader!;
            if (chunk.MayDeliver && !_engine.AtAcknowledgementBound(chunk.State) && reader.TryRead())
            {
                var record = reader.Current;
                _current = Materialize(chunk, record, reader.LeaderEpoch, _scratch, consumer._keyDeserializer, consumer._valueDeserializer);
                _next = record.Offset + 1;
                Handed(chunk.State, record.Offset);
                _handed = true;
                return true;
            }

            var completed = chunk.MayDeliver && !_engine.AtAcknowledgementBound(chunk.State);
            _chunk = null;
            _engine.Release(chunk, completed ? null : _next);
            return false;
        }

        private async ValueTask<bool> NextChunkAsync()
        {
            try
            {
                if (_ended)
                {
                    return false;
                }

                // A notice is read once: asking for the next record gives it back.
                if (_chunk is { } notice)
                {
                    _chunk = null;
                    _engine.Release(notice, null);
                }

                if (_lease is null)
                {
                    _lease = consumer.BeginReading();
                    _reader = new ChunkReader(consumer.Options);
                }

                while (Volatile.Read(ref consumer._disposed) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!_engine.TryTake(out var chunk))
                    {
                        await _engine.WaitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    _chunk = chunk;
                    _handed = false;
                    _next = chunk.FetchOffset;
                    _notice = IsNotice(chunk);
                    if (_notice)
                    {
                        // A failure is thrown here; it is given back all the same (End).
                        _current = Notice(chunk);
                        return true;
                    }

                    _reader!.Start(chunk);
                    if (TryDeliver(chunk))
                    {
                        return true;
                    }
                }

                End();
                return false;
            }
            catch
            {
                End();
                throw;
            }
        }

        // The end, however it came (the last chunk, a failure, a dispose): the chunk goes back at the first
        // record not handed over (a notice as read), then the consumer is free for another face.
        private void End()
        {
            _ended = true;
            if (_chunk is { } chunk)
            {
                _chunk = null;
                _engine.Release(chunk, _notice ? null : _next);
            }

            _lease?.Dispose();
            _lease = null;
            _reader?.Dispose();
            _reader = null;
            linked?.Dispose();
        }
    }
}
