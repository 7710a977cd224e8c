using System.Buffers;
using System.Buffers.Binary;
using System.Reactive.Linq;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;
using RxKafka.Reactive;

namespace RxKafka.Network;

// The read side: frames from the reader (C10), the zip's outcomes (C5) and decoding.
public sealed partial class KafkaConnection
{
    // C5: an answer carries the correlation id of the oldest request in flight. A raw SASL token (handshake v0) has none.
    private Exception? Mismatch(PendingRequest pending, ReadOnlySequence<byte> frame)
    {
        if (pending.RawToken is not null)
        {
            return null;
        }

        if (frame.Length < 4)
        {
            return new KafkaProtocolException($"a response frame of {frame.Length} bytes from {Broker} has no correlation id");
        }

        var correlationId = ReadCorrelationId(frame);
        return correlationId == pending.CorrelationId
            ? null
            : new KafkaProtocolException($"response correlation id {correlationId} from {Broker} does not match the oldest pending request ({pending.Request.ApiKey}, correlation id {pending.CorrelationId})");
    }

    private Exception Unsolicited(ReadOnlySequence<byte> frame) =>
        new KafkaProtocolException($"a response frame of {frame.Length} bytes (correlation id {(frame.Length >= 4 ? ReadCorrelationId(frame) : -1)}) came from {Broker} with no request in flight");

    private static int ReadCorrelationId(ReadOnlySequence<byte> frame)
    {
        Span<byte> id = stackalloc byte[4];
        frame.Slice(0, 4).CopyTo(id);
        return BinaryPrimitives.ReadInt32BigEndian(id);
    }

    private void OnAnswered(PendingRequest pending, ReadOnlySequence<byte> frame)
    {
        TimeSpan rtt;
        lock (_gate)
        {
            _inFlight--;
            Untrack();
            rtt = _lastActivity - pending.SentAt;
            if (_rtts.Count == RttSamples)
            {
                _rtts.Dequeue();
            }

            _rtts.Enqueue(rtt);
        }

        if (pending.RawToken is not null)
        {
            // Handshake v0: the frame is the broker's raw SASL token.
            pending.Complete(new SaslAuthenticateResponse { AuthBytes = frame.ToArray() });
            return;
        }

        NetworkInstruments.RoundTrip.Record(rtt.TotalMilliseconds, _brokerTag);
        KafkaResponse response;
        PooledFrame? pooled = null;
        try
        {
            // The frame is lent for this call: a response that keeps slices of it (records) keeps it in a pooled
            // array that the receiver gives back (the consumer, once the records are read): the array the reader
            // read a large frame into, or a copy.
            ReadOnlyMemory<byte> body;
            if (KeepsFrame(pending.Request.ApiKey))
            {
                pooled = PooledFrame.Keep(frame, _options.ResponseBufferPool);
                body = pooled.Memory;
            }
            else
            {
                body = frame.IsSingleSegment ? frame.First : frame.ToArray();
            }

            response = Decode(pending, body);
            response.Frame = pooled;
        }
        catch (KafkaProtocolException e)
        {
            pooled?.Release();
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

    // Responses whose records stay slices of the frame they were read from.
    private static bool KeepsFrame(ApiKey api) => api is ApiKey.Fetch or ApiKey.ShareFetch or ApiKey.FetchSnapshot;

    private void OnUnanswered(PendingRequest pending)
    {
        lock (_gate)
        {
            _inFlight--;
            Untrack();
        }

        pending.Fail(UnansweredError(pending));
    }

    // What the correlated zip decided, one outcome at a time, in order.
    private sealed class Outcomes(KafkaConnection connection) : IObserver<Correlated<PendingRequest, ReadOnlySequence<byte>>>
    {
        public void OnNext(Correlated<PendingRequest, ReadOnlySequence<byte>> value)
        {
            switch (value.Outcome)
            {
                case Correlated<PendingRequest, ReadOnlySequence<byte>>.Kind.Answered:
                    connection.OnAnswered(value.Request, value.Response);
                    break;
                case Correlated<PendingRequest, ReadOnlySequence<byte>>.Kind.Unanswered:
                    connection.OnUnanswered(value.Request);
                    break;
                default:
                    // The frames broke off. When the reader ended or the connection closed, it is closed
                    // already; what is left is a frame that answers nothing in flight (C5).
                    connection.Close(CloseReason.OutOfSync, value.Error);
                    break;
            }
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    // What the reader lends: counted, copied for the Frames subscribers if there are any, then zipped.
    private sealed class FrameObserver(KafkaConnection connection) : IObserver<ReadOnlySequence<byte>>
    {
        public void OnNext(ReadOnlySequence<byte> frame)
        {
            var c = connection;
            Interlocked.Add(ref c._bytesReceived, frame.Length + 4);
            Interlocked.Increment(ref c._framesReceived);
            NetworkInstruments.BytesReceived.Add(frame.Length + 4, c._brokerTag);
            if (c._userFrames.HasObservers)
            {
                c._userLane.Post(static s => ((Tuple<KafkaConnection, ReadOnlyMemory<byte>>)s!).Item1._userFrames.OnNext(((Tuple<KafkaConnection, ReadOnlyMemory<byte>>)s).Item2), Tuple.Create(c, (ReadOnlyMemory<byte>)frame.ToArray()));
            }

            c._frames.OnNext(frame);
        }

        public void OnError(Exception error)
        {
            var c = connection;
            c.Close(error is KafkaProtocolException ? CloseReason.ProtocolError : CloseReason.ConnectionBroken, error);
            c._frames.OnError(c.ClosedError());
            c.HalfClosed();
        }

        public void OnCompleted() => OnError(new IOException($"{connection.Broker} closed the connection"));
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
}
