using System.Buffers;
using System.Buffers.Binary;
using System.Reactive.Linq;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Network;

// The read path: frames (C10), the pairs Zip makes, their correlation check (C5) and decoding.
public sealed partial class KafkaConnection
{
    // Handles the request/frame pairs Zip made, in order, outside its lock; one thread at a time (the
    // read loop, or a writer that found a pair waiting), the others leave them to it.
    private void DeliverMatched()
    {
        while (!_matched.IsEmpty && Interlocked.CompareExchange(ref _delivering, 1, 0) == 0)
        {
            try
            {
                while (_matched.TryDequeue(out var pair))
                {
                    OnResponse(pair.Request, pair.Frame);
                }
            }
            finally
            {
                Volatile.Write(ref _delivering, 0);
            }
        }
    }

    private void OnResponse(PendingRequest pending, ReadOnlyMemory<byte> frame)
    {
        if (pending.RawToken is not null)
        {
            // Handshake v0: the frame is the broker's raw SASL token, with no correlation id.
            lock (_gate)
            {
                if (_closed || _pending.Count == 0 || !ReferenceEquals(_pending.Peek(), pending))
                {
                    return;
                }

                _pending.Dequeue();
                pending.Timeout?.Dispose();
            }

            pending.Complete(new SaslAuthenticateResponse { AuthBytes = frame.ToArray() });
            return;
        }

        if (frame.Length < 4)
        {
            Close(CloseReason.ProtocolError, new KafkaProtocolException($"a response frame of {frame.Length} bytes from {Broker} has no correlation id"));
            return;
        }

        var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.Span);
        TimeSpan rtt;
        var outOfSync = false;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            // C5: anything but the oldest pending request's id means the stream is out of sync.
            outOfSync = correlationId != pending.CorrelationId || _pending.Count == 0 || !ReferenceEquals(_pending.Peek(), pending);
            rtt = _scheduler.Now - pending.SentAt;
            if (!outOfSync)
            {
                _pending.Dequeue();
                pending.Timeout?.Dispose();
                if (_rtts.Count == RttSamples)
                {
                    _rtts.Dequeue();
                }

                _rtts.Enqueue(rtt);
                ScheduleIdleCheck();
            }
        }

        if (outOfSync)
        {
            Close(CloseReason.OutOfSync, new KafkaProtocolException($"response correlation id {correlationId} from {Broker} does not match the oldest pending request ({pending.Request.ApiKey}, correlation id {pending.CorrelationId})"));
            return;
        }

        NetworkInstruments.RoundTrip.Record(rtt.TotalMilliseconds, _brokerTag);
        KafkaResponse response;
        try
        {
            response = Decode(pending, frame);
        }
        catch (KafkaProtocolException e)
        {
            var error = new KafkaProtocolException($"{pending.Request.ApiKey} v{pending.Version} response from {Broker} is malformed: {e.Message}", e);
            pending.Fail(error);
            Close(CloseReason.ProtocolError, error);
            return;
        }

        pending.Complete(response);
        if (_metrics.HasObservers)
        {
            // A snapshot copies up to 100 round-trip times: only made when someone listens.
            _metrics.OnNext(GetMetrics());
        }
    }

    private static KafkaResponse Decode(PendingRequest pending, ReadOnlyMemory<byte> frame)
    {
        var reader = new KafkaReader(frame);
        reader.ReadInt32(); // correlation id, checked by the caller
        if (pending.ResponseHeaderVersion >= 1)
        {
            reader.ReadUnknownTaggedFields();
        }

        if (pending.Request is ApiVersionsRequest)
        {
            return DecodeApiVersions(reader, pending.Version);
        }

        var response = pending.Request.CreateResponse();
        response.Read(ref reader, pending.Version);
        return response;
    }

    // A broker that does not support the requested ApiVersions version answers with error 35 and,
    // per KIP-511, a v0 body listing its range. Some brokers send a body that is neither; then the
    // error code alone is kept, and negotiation retries with an older version.
    private static ApiVersionsResponse DecodeApiVersions(KafkaReader reader, short version)
    {
        var body = reader;
        var errorCode = body.Remaining >= 2 ? body.ReadInt16() : (short)0;
        var response = new ApiVersionsResponse();
        if (errorCode == 0)
        {
            response.Read(ref reader, version);
            return response;
        }

        try
        {
            response.Read(ref reader, 0);
            return response;
        }
        catch (KafkaProtocolException)
        {
            return new ApiVersionsResponse { ErrorCode = errorCode };
        }
    }

    private async Task ReadLoopAsync()
    {
        var input = _transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    lock (_gate)
                    {
                        _bytesReceived += frame.Length + 4;
                        _framesReceived++;
                        if (_pending.Count == 0)
                        {
                            ScheduleIdleCheck();
                        }
                    }

                    NetworkInstruments.BytesReceived.Add(frame.Length + 4, _brokerTag);
                    _frames.OnNext(frame);
                    if (_userFrames.HasObservers)
                    {
                        _completions.Post(static s => ((Tuple<KafkaConnection, ReadOnlyMemory<byte>>)s!).Item1._userFrames.OnNext(((Tuple<KafkaConnection, ReadOnlyMemory<byte>>)s).Item2), Tuple.Create(this, frame));
                    }

                    DeliverMatched();
                    if (_closed)
                    {
                        return;
                    }
                }

                if (_closed)
                {
                    return;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    Close(CloseReason.ConnectionBroken, new IOException($"{Broker} closed the connection"));
                    return;
                }
            }
        }
        catch (KafkaProtocolException e)
        {
            Close(CloseReason.ProtocolError, e);
        }
        catch (Exception e)
        {
            Close(CloseReason.ConnectionBroken, e);
        }
    }

    // C10: a frame is a 4-byte big-endian size and a body. The size is checked before anything is
    // allocated; the body is copied once, when all of it has arrived.
    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlyMemory<byte> frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < 0 || size > _options.MaxFrameSize)
        {
            throw new KafkaProtocolException($"frame size {size} from {Broker} is outside 0..{_options.MaxFrameSize} (the maximum frame size)");
        }

        if (buffer.Length < 4L + size)
        {
            return false;
        }

        frame = buffer.Slice(4, size).ToArray();
        buffer = buffer.Slice(4L + size);
        return true;
    }
}
