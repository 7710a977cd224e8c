using System.IO.Pipelines;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Network;

// The write path: version, size checks, correlation ids, the pending queue and request timeouts (C5, C6, C7, S3).
public sealed partial class KafkaConnection
{
    private PendingRequest Start(KafkaRequest request, short? explicitVersion, bool requireReady, IResponseCompletion? completion = null)
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
        var pending = new PendingRequest(request, version, api.ResponseHeaderVersion(version), expectsResponse, completion);
        _ = WriteAsync(pending, headerVersion, size);
        return pending;
    }

    private async Task WriteAsync(PendingRequest pending, short headerVersion, int size)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_closed)
                {
                    pending.Fail(new ConnectionClosedException(_state.Value.Reason ?? CloseReason.ConnectionBroken, Broker, _state.Value.Error));
                    return;
                }

                // C5: correlation ids wrap within 0..2^31-1; the order of ids is the order of writes.
                pending.CorrelationId = _nextCorrelationId;
                _nextCorrelationId = _nextCorrelationId == int.MaxValue ? 0 : _nextCorrelationId + 1;
                pending.SentAt = _scheduler.Now;
                _idleTimer.Disposable = null;
                if (pending.ExpectsResponse)
                {
                    _pending.Enqueue(pending);
                    // State instead of a closure: no per-request delegate.
                    pending.Timeout = _scheduler.Schedule(
                        (Connection: this, Pending: pending),
                        _options.RequestTimeout,
                        static (_, s) =>
                        {
                            s.Connection.OnTimeout(s.Pending);
                            return Disposable.Empty;
                        });
                }
            }

            if (pending.ExpectsResponse)
            {
                _awaitingResponse.OnNext(pending);

                // Only when a frame came with no request before it (out of sync: C5 closes at once).
                DeliverMatched();
            }

            if (pending.RawToken is { } raw)
            {
                EncodeRaw(_transport.Output, raw);
            }
            else
            {
                // The one header instance is only touched here, under the write lock.
                _requestHeader.RequestApiKey = (short)pending.Request.ApiKey;
                _requestHeader.RequestApiVersion = pending.Version;
                _requestHeader.CorrelationId = pending.CorrelationId;
                Encode(_transport.Output, _requestHeader, headerVersion, pending.Request, pending.Version, size);
            }
            var flush = await _transport.Output.FlushAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _bytesSent += size + 4;
                _framesSent++;
            }

            NetworkInstruments.BytesSent.Add(size + 4, _brokerTag);
            NetworkInstruments.Requests.Add(1, _brokerTag);
            if (flush.IsCompleted)
            {
                Close(CloseReason.ConnectionBroken, new IOException($"the connection to {Broker} was closed while writing"));
            }
            else if (!pending.ExpectsResponse)
            {
                // C7: nothing comes back for acks=0; done once written.
                pending.Complete(pending.Request.CreateResponse());
                lock (_gate)
                {
                    ScheduleIdleCheck();
                }
            }
        }
        catch (Exception e)
        {
            pending.Fail(new ConnectionClosedException(CloseReason.ConnectionBroken, Broker, e));
            Close(CloseReason.ConnectionBroken, e);
        }
        finally
        {
            _writeLock.Release();
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

    private void OnTimeout(PendingRequest pending)
    {
        lock (_gate)
        {
            if (_closed || pending.IsDone)
            {
                return;
            }

            // Taken out of the queue so that the close below does not fail it with a generic reason.
            var rest = _pending.Where(p => !ReferenceEquals(p, pending)).ToList();
            _pending.Clear();
            foreach (var p in rest)
            {
                _pending.Enqueue(p);
            }
        }

        // C6: the request fails with RequestTimedOut and the connection closes with ConnectionTimeout
        // (the state says Closed before the request's failure is observed).
        var error = new RequestTimedOutException($"{pending.Request.ApiKey} v{pending.Version} request (correlation id {pending.CorrelationId}) to {Broker} got no response within {_options.RequestTimeout}");
        Close(CloseReason.ConnectionTimeout, error);
        pending.Fail(error);
    }
}
