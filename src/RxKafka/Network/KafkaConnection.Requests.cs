using System.IO.Pipelines;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Network;

// The write side: version and size checks (S3), then, on the executor, correlation ids, the zip's request
// stream and request deadlines (C5, C6, C7).
public sealed partial class KafkaConnection
{
    private PendingRequest Start(KafkaRequest request, short? explicitVersion, bool requireReady, IResponseCompletion? completion = null, bool writeHere = false)
    {
        var state = _state.Value;
        if (state.Status == ConnectionStatus.Closed)
        {
            return PendingRequest.Failed(new ConnectionClosedException(state.Reason ?? CloseReason.ConnectionBroken, Broker, state.Error), completion);
        }

        if (requireReady && state.Status != ConnectionStatus.Ready)
        {
            return PendingRequest.Failed(new InvalidOperationException($"Connection to {Broker} is {state}, not Ready"), completion);
        }

        short version;
        try
        {
            version = explicitVersion ?? ApiVersions!.Pick(request.ApiKey, Broker);
        }
        catch (KafkaException e)
        {
            return PendingRequest.Failed(e, completion);
        }

        var api = KafkaApis.Get(request.ApiKey);
        var headerVersion = api.RequestHeaderVersion(version);
        int size;
        try
        {
            // The header's size depends only on its version and the client id: computed once per connection.
            size = checked(_requestHeaderSizes[headerVersion] + request.ComputeSize(version));
        }
        catch (Exception e) when (e is KafkaException or OverflowException or ArgumentException)
        {
            return PendingRequest.Failed(e is KafkaException ? e : new KafkaException(ErrorCode.InvalidRequest, $"{request.ApiKey} v{version} cannot be encoded: {e.Message}", e), completion);
        }

        if (size > _options.MaxRequestSize)
        {
            // S3: refuse before anything is written.
            return PendingRequest.Failed(new KafkaException(ErrorCode.MessageTooLarge, $"{request.ApiKey} v{version} request of {size} bytes exceeds the maximum request size of {_options.MaxRequestSize} bytes"), completion);
        }

        var expectsResponse = request is not ProduceRequest { Acks: 0 };
        var pending = new PendingRequest(request, version, api.ResponseHeaderVersion(version), expectsResponse, completion, completion is not null || _inline ? null : _completionLane) { Size = size, HeaderVersion = headerVersion };
        _writer.Enqueue(pending, writeHere);
        return pending;
    }

    // The writer's questions, answered on the connection's executor, request by request in queue order.
    private sealed class Encoder(KafkaConnection connection) : FrameWriter<PendingRequest>.IFrameEncoder
    {
        public bool Begin(PendingRequest pending)
        {
            var c = connection;
            bool closed;
            lock (c._gate)
            {
                closed = c._closed;
                if (!closed)
                {
                    // C5: correlation ids wrap within 0..2^31-1; the order of ids is the order of writes.
                    pending.CorrelationId = c._nextCorrelationId;
                    c._nextCorrelationId = c._nextCorrelationId == int.MaxValue ? 0 : c._nextCorrelationId + 1;
                    pending.SentAt = c._scheduler.Now;
                    c._lastActivity = pending.SentAt;
                    if (pending.ExpectsResponse)
                    {
                        c._inFlight++;
                        c.Track(pending, pending.SentAt);
                    }
                }
            }

            if (closed)
            {
                pending.Fail(c.ClosedError());
                return false;
            }

            if (pending.ExpectsResponse)
            {
                // Into the zip before the bytes leave: its answer cannot come first.
                c._sent.OnNext(pending);
            }

            return true;
        }

        public int Encode(PendingRequest pending, PipeWriter output)
        {
            if (pending.RawToken is { } raw)
            {
                EncodeRaw(output, raw);
            }
            else
            {
                // The one header instance is only touched here, on the executor.
                var header = connection._requestHeader;
                header.RequestApiKey = (short)pending.Request.ApiKey;
                header.RequestApiVersion = pending.Version;
                header.CorrelationId = pending.CorrelationId;
                KafkaConnection.Encode(output, header, pending.HeaderVersion, pending.Request, pending.Version, pending.Size);
            }

            return pending.Size + 4;
        }

        public void Flushed(PendingRequest pending)
        {
            var c = connection;
            Interlocked.Add(ref c._bytesSent, pending.Size + 4);
            Interlocked.Increment(ref c._framesSent);
            NetworkInstruments.BytesSent.Add(pending.Size + 4, c._brokerTag);
            NetworkInstruments.Requests.Add(1, c._brokerTag);
            if (!pending.ExpectsResponse)
            {
                // C7: nothing comes back for acks=0; done once written.
                pending.Complete(pending.Request.CreateResponse());
                lock (c._gate)
                {
                    c._lastActivity = c._scheduler.Now;
                }
            }
        }

        public void Failed(IReadOnlyList<PendingRequest> frames, Exception error)
        {
            foreach (var pending in frames)
            {
                pending.Fail(new ConnectionClosedException(CloseReason.ConnectionBroken, connection.Broker, error));
            }

            connection.Close(CloseReason.ConnectionBroken, error);
        }
    }

    private static void Encode(PipeWriter output, RequestHeader header, short headerVersion, KafkaRequest request, short version, int size)
    {
        // One pass straight into the pipe: the body is never staged in a separate buffer.
        var writer = new KafkaWriter(output);
        writer.WriteInt32(size);
        header.Write(ref writer, headerVersion);
        request.Write(ref writer, version);
        writer.Flush();
    }

    private static void EncodeRaw(PipeWriter output, byte[] token)
    {
        var writer = new KafkaWriter(output);
        writer.WriteInt32(token.Length);
        writer.WriteRaw(token);
        writer.Flush();
    }
}
