using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Network.Sasl;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Network;

/// <summary>
/// One connection to one broker. Received frames are an observable (<see cref="Frames"/>);
/// request/response is the correlated zip of the in-order stream of sent requests and the
/// in-order stream of frames. Timeouts and idle checks run on the options' scheduler.
/// </summary>
public sealed class KafkaConnection : IAsyncDisposable
{
    private const int RttSamples = 100;

    private readonly IKafkaTransport _transport;
    private readonly ConnectionOptions _options;
    private readonly IScheduler _scheduler;
    private readonly BehaviorSubject<ConnectionState> _state = new(ConnectionState.Connecting);
    private readonly Subject<ReadOnlyMemory<byte>> _frames = new();
    // The public face of _frames: its subscribers are user code, called on the completions executor.
    private readonly Subject<ReadOnlyMemory<byte>> _userFrames = new();
    // Runs what the read loop hands over to user code (Frames subscribers), one at a time and in order,
    // on the thread pool (inline in virtual time): a subscriber that blocks or throws cannot stall or
    // close the connection.
    private readonly RxKafka.Reactive.SerialExecutor _completions;
    private readonly bool _inlineCompletions;
    private readonly Subject<PendingRequest> _awaitingResponse = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(PendingRequest Request, ReadOnlyMemory<byte> Frame)> _matched = new();
    private int _delivering;
    private readonly Subject<ConnectionMetrics> _metrics = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _gate = new();
    private readonly Queue<PendingRequest> _pending = new();
    private readonly SerialDisposable _idleTimer = new();
    private readonly SerialDisposable _reauthTimer = new();
    private readonly IDisposable _zip;
    private readonly Queue<TimeSpan> _rtts = new();
    private readonly KeyValuePair<string, object?> _brokerTag;
    private readonly RequestHeader _requestHeader;
    private readonly int[] _requestHeaderSizes;
    private int _nextCorrelationId;
    private volatile bool _closed;
    private long _bytesSent, _bytesReceived, _framesSent, _framesReceived;

    internal KafkaConnection(IKafkaTransport transport, BrokerEndpoint endpoint, ConnectionOptions options)
    {
        _transport = transport;
        _options = options;
        _scheduler = options.Scheduler;
        Endpoint = endpoint;
        Broker = endpoint.ToString();
        _brokerTag = new("broker", Broker);
        _requestHeader = new RequestHeader { ClientId = options.ClientId };
        _completions = new RxKafka.Reactive.SerialExecutor(_scheduler, onError: e => options.Logger?.LogWarning(e, "A subscriber of the frames of {Broker} threw", endpoint));
        _inlineCompletions = _completions.IsInline;
        _requestHeaderSizes = new int[_requestHeader.HighestSupportedVersion + 1];
        for (short v = 0; v < _requestHeaderSizes.Length; v++)
        {
            _requestHeaderSizes[v] = _requestHeader.ComputeSize(v);
        }

        // C5: the n-th response frame belongs to the n-th request that expects one. Zip calls its
        // observer under its own lock, which writers take too; the pairs are handled after it is
        // released (DeliverMatched), so that what a response sets off (a continuation writing to
        // another broker's connection, a user's callback) never runs holding this connection's lock:
        // two read loops, each holding its own while writing to the other's, would deadlock.
        _zip = _awaitingResponse
            .Zip(_frames, (request, frame) => (request, frame))
            .Subscribe(pair => _matched.Enqueue(pair));
        _ = ReadLoopAsync();
    }

    /// <summary>The broker this connection goes to.</summary>
    public BrokerEndpoint Endpoint { get; }

    /// <summary>"host:port" of the broker, for messages.</summary>
    public string Broker { get; }

    /// <summary>The state stream: Connecting, Negotiating, Authenticating, Ready, then Closed(reason), after which it completes. A late subscriber gets the current state first.</summary>
    public IObservable<ConnectionState> State => _state.AsObservable();

    /// <summary>The current state.</summary>
    public ConnectionState CurrentState => _state.Value;

    /// <summary>
    /// Every frame received (size prefix removed), in order. Completes when the connection closes.
    /// Subscribers are called on the thread pool, never on the read loop (inline under a virtual-time
    /// scheduler): one that blocks delays only later frames to subscribers, and one that throws is
    /// logged; neither holds up responses or closes the connection.
    /// </summary>
    public IObservable<ReadOnlyMemory<byte>> Frames => _userFrames.AsObservable();

    /// <summary>What the broker supports and which version RxKafka uses per API; null until negotiated.</summary>
    public ApiVersionTable? ApiVersions { get; private set; }

    /// <summary>A metrics snapshot after each response.</summary>
    public IObservable<ConnectionMetrics> MetricsUpdates => _metrics.AsObservable();

    /// <summary>Opens a transport to <paramref name="endpoint"/> and negotiates API versions (C1, C2).</summary>
    /// <param name="endpoint">The broker.</param>
    /// <param name="transports">Opens the transport (TCP, TLS, in-memory).</param>
    /// <param name="options">Connection options; defaults when null.</param>
    /// <returns>A cold observable: each subscription connects once and yields a ready connection.</returns>
    public static IObservable<KafkaConnection> Connect(BrokerEndpoint endpoint, IKafkaTransportFactory transports, ConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transports);
        options ??= new ConnectionOptions();
        return InlineTasks.FromInlineTask(ct => transports.ConnectAsync(endpoint, ct).AsTask())
            .SelectMany(transport =>
            {
                var connection = new KafkaConnection(transport, endpoint, options);
                return ClosedIfAbandoned(connection, connection.Negotiate().Select(_ => connection)
                    .Timeout(
                        options.SetupTimeout,
                        Observable.Defer(() => Observable.Throw<KafkaConnection>(new ConnectionClosedException(
                            CloseReason.ConnectionTimeout,
                            connection.Broker,
                            new RequestTimedOutException($"connection setup ({connection.CurrentState}) to {connection.Broker} did not finish within {options.SetupTimeout}")))),
                        options.Scheduler)
                    .Catch<KafkaConnection, Exception>(e =>
                    {
                        connection.Close(
                            e switch
                            {
                                ConnectionClosedException c => c.Reason,
                                AuthenticationException => CloseReason.AuthFailure,
                                _ => CloseReason.ConnectionBroken,
                            },
                            e);
                        return Observable.Throw<KafkaConnection>(e);
                    }));
            });
    }

    // A subscriber that goes away before the connection is ready (a disposed pool, a cancelled
    // connect) leaves nobody to close it: close it here, with reason Shutdown.
    private static IObservable<KafkaConnection> ClosedIfAbandoned(KafkaConnection connection, IObservable<KafkaConnection> setup) =>
        Observable.Create<KafkaConnection>(observer =>
        {
            var delivered = false;
            var subscription = setup.Subscribe(
                c =>
                {
                    delivered = true;
                    observer.OnNext(c);
                },
                observer.OnError,
                observer.OnCompleted);
            return Disposable.Create(() =>
            {
                subscription.Dispose();
                if (!Volatile.Read(ref delivered))
                {
                    connection.Close(CloseReason.Shutdown, null);
                }
            });
        });

    /// <summary>Opens and negotiates a connection; see <see cref="Connect"/>.</summary>
    public static Task<KafkaConnection> ConnectAsync(BrokerEndpoint endpoint, IKafkaTransportFactory transports, ConnectionOptions? options = null, CancellationToken cancellationToken = default)
        => Connect(endpoint, transports, options).ToTask(cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/> at the highest version both sides support. Cold: each
    /// subscription sends once. A Produce request with Acks = 0 gets no response from the broker
    /// (C7): it completes with an empty <typeparamref name="TResponse"/> once written.
    /// </summary>
    /// <exception cref="UnsupportedVersionException">The broker does not offer the API (the error names it and both ranges).</exception>
    public IObservable<TResponse> Send<TResponse>(KafkaRequest<TResponse> request)
        where TResponse : KafkaResponse
        => Send(request, version: null);

    /// <summary>Sends <paramref name="request"/> at an explicit <paramref name="version"/>, or the negotiated one when null.</summary>
    public IObservable<TResponse> Send<TResponse>(KafkaRequest<TResponse> request, short? version)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = Observable.Defer(() => Start(request, version, requireReady: true).Result.Select(r => (TResponse)r));
        // Subscribers are user code: never on the read loop (in virtual time, inline).
        return _inlineCompletions ? response : response.ObserveOn(ThreadPoolScheduler.Instance);
    }

    /// <summary>Sends <paramref name="request"/> and awaits its response; see <see cref="Send{TResponse}(KafkaRequest{TResponse})"/>.</summary>
    public Task<TResponse> SendAsync<TResponse>(KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        return StartAsync(request, version: null, requireReady: true, cancellationToken);
    }

    // The hot path: the pending request completes the task itself, with no Defer, Select,
    // AsyncSubject and ToTask observer in between. Continuations still run where the response is
    // decoded, on the read loop (so a multi-step exchange such as SASL stays on the thread advancing a
    // TestScheduler): the engines hand their answers over at once (the producer's sinks do). Moving
    // them to the thread pool made the two-connection test of ConnectionResponseThreadTests hang now and
    // then; that waits for the connection's rewrite into writer and reader loops. Cancelling only
    // abandons the wait.
    private Task<TResponse> StartAsync<TResponse>(KafkaRequest<TResponse> request, short? version, bool requireReady, CancellationToken cancellationToken)
        where TResponse : KafkaResponse
    {
        var completion = new ResponseCompletion<TResponse>(cancellationToken);
        try
        {
            Start(request, version, requireReady, completion);
        }
        catch (Exception e)
        {
            completion.Fail(e);
        }

        return completion.Task;
    }

    /// <summary>A snapshot of traffic counters and recent round-trip times (C13).</summary>
    public ConnectionMetrics GetMetrics()
    {
        lock (_gate)
        {
            return new ConnectionMetrics(_bytesSent, _bytesReceived, _framesSent, _framesReceived, _pending.Count, _rtts.ToArray());
        }
    }

    /// <summary>What the connection waits for: for diagnostics in tests.</summary>
    internal string Describe()
    {
        lock (_gate)
        {
            return $"{Broker}: {CurrentState}, pending {_pending.Count} (oldest correlation id {(_pending.Count > 0 ? _pending.Peek().CorrelationId : -1)}), matched waiting {_matched.Count}, delivering {Volatile.Read(ref _delivering)}, frames sent {_framesSent}, received {_framesReceived}, next correlation id {_nextCorrelationId}";
        }
    }

    /// <summary>Closes the connection with reason Shutdown; pending requests fail.</summary>
    public ValueTask DisposeAsync()
    {
        Close(CloseReason.Shutdown, null);
        return ValueTask.CompletedTask;
    }

    // ---------------------------------------------------------------- negotiation

    private IObservable<Unit> Negotiate()
    {
        _state.OnNext(ConnectionState.Negotiating);
        return RequestApiVersions(KafkaApis.Get(ApiKey.ApiVersions).Versions.Highest)
            .SelectMany(response =>
            {
                ApiVersions = ApiVersionTable.FromResponse(response);
                if (_options.Sasl is null)
                {
                    return Observable.Return(Unit.Default);
                }

                _state.OnNext(ConnectionState.Authenticating);
                return InlineTasks.FromInlineTask(ct => AuthenticateAsync(reauthentication: false, ct));
            })
            .Select(_ =>
            {
                lock (_gate)
                {
                    if (_closed)
                    {
                        throw new ConnectionClosedException(CloseReason.ConnectionBroken, Broker);
                    }

                    _state.OnNext(ConnectionState.Ready);
                    ScheduleIdleCheck();
                }

                return Unit.Default;
            });
    }

    // C2: newest ApiVersions first; on UNSUPPORTED_VERSION use the version the broker advertises,
    // or one lower when its answer cannot be read as the v0 body KIP-511 prescribes.
    private IObservable<ApiVersionsResponse> RequestApiVersions(short version)
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = _options.ClientSoftwareName, ClientSoftwareVersion = _options.ClientSoftwareVersion };
        return Start(request, version, requireReady: false).Result
            .Select(r => (ApiVersionsResponse)r)
            .SelectMany(response =>
            {
                if (response.ErrorCode == 0)
                {
                    return Observable.Return(response);
                }

                if (response.ErrorCode == (short)ErrorCode.UnsupportedVersion && version > 0)
                {
                    var advertised = response.ApiKeys.FirstOrDefault(k => k.ApiKey == (short)ApiKey.ApiVersions);
                    var next = advertised is not null && advertised.MaxVersion < version ? advertised.MaxVersion : (short)(version - 1);
                    return RequestApiVersions(next);
                }

                return Observable.Throw<ApiVersionsResponse>(KafkaErrors.ToException((ErrorCode)response.ErrorCode, $"ApiVersions v{version} from {Broker}"));
            });
    }

    // ---------------------------------------------------------------- SASL (C3, C4)

    private async Task<Unit> AuthenticateAsync(bool reauthentication, CancellationToken ct)
    {
        var mechanism = _options.Sasl!;
        if (mechanism.SendsSecretInClear && !_transport.IsEncrypted && !reauthentication)
        {
            _options.Logger?.LogWarning("SASL {Mechanism} to {Broker} sends the password without TLS; use SASL_SSL", mechanism.Name, Broker);
        }

        var versions = ApiVersions!;
        var handshakeVersion = versions.Pick(ApiKey.SaslHandshake, Broker);
        var handshake = await StartAsync(new SaslHandshakeRequest { Mechanism = mechanism.Name }, handshakeVersion, requireReady: false, ct).ConfigureAwait(false);
        if (SaslErrors.FromHandshake(handshake, mechanism.Name, Broker) is { } refused)
        {
            throw refused;
        }

        using var authenticator = mechanism.CreateAuthenticator(new SaslContext(Endpoint.Host, Endpoint.Port, _transport.IsEncrypted));
        SaslAuthenticationResult result;
        if (handshakeVersion >= 1)
        {
            // Handshake v1: every token travels in a SaslAuthenticate request.
            var authenticateVersion = versions.Pick(ApiKey.SaslAuthenticate, Broker);
            result = await SaslExchange.AuthenticateAsync(
                authenticator,
                mechanism.Name,
                Broker,
                (bytes, token) => new ValueTask<SaslAuthenticateResponse>(
                    StartAsync(new SaslAuthenticateRequest { AuthBytes = bytes.ToArray() }, authenticateVersion, requireReady: false, token)),
                ct).ConfigureAwait(false);
        }
        else
        {
            // Handshake v0: raw size-prefixed tokens, no Kafka header; no re-authentication. The broker
            // answers a token only when it has something to say: after a client token that completes the
            // client side (GSSAPI's security-layer reply) it sends nothing, so that one is not awaited.
            var first = true;
            result = await SaslExchange.AuthenticateAsync(
                authenticator,
                mechanism.Name,
                Broker,
                (bytes, token) =>
                {
                    var expectsAnswer = first || !authenticator.IsComplete;
                    first = false;
                    return new ValueTask<SaslAuthenticateResponse>(StartRawToken(bytes.ToArray(), expectsAnswer, token));
                },
                ct).ConfigureAwait(false);
            result = new SaslAuthenticationResult(0);
        }

        if (result.SessionLifetimeMs > 0)
        {
            // C4 (KIP-368): authenticate again before the session ends, while requests keep flowing.
            var due = TimeSpan.FromMilliseconds(result.SessionLifetimeMs * _options.ReauthenticationFraction);
            _reauthTimer.Disposable = _scheduler.Schedule(due, Reauthenticate);
        }

        return Unit.Default;
    }

    private void Reauthenticate()
    {
        if (_closed)
        {
            return;
        }

        InlineTasks.FromInlineTask(ct => AuthenticateAsync(reauthentication: true, ct)).Subscribe(
            _ => { },
            e => Close(e is ConnectionClosedException c ? c.Reason : CloseReason.AuthFailure, e));
    }

    private Task<SaslAuthenticateResponse> StartRawToken(byte[] token, bool expectsAnswer, CancellationToken cancellationToken)
    {
        // Without an answer the token completes, with an empty response, once written.
        var completion = new ResponseCompletion<SaslAuthenticateResponse>(cancellationToken);
        var pending = new PendingRequest(new SaslAuthenticateRequest { AuthBytes = token }, 0, 0, expectsResponse: expectsAnswer, completion) { RawToken = token };
        _ = WriteAsync(pending, headerVersion: 0, size: token.Length);
        return completion.Task;
    }

    // ---------------------------------------------------------------- sending

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

    // ---------------------------------------------------------------- receiving

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

    // ---------------------------------------------------------------- idle and close

    // C8: with nothing pending, close when nothing has moved for MaxIdle. Called under _gate.
    private void ScheduleIdleCheck()
    {
        if (_closed || _pending.Count > 0 || _options.MaxIdle == Timeout.InfiniteTimeSpan || _state.Value.Status != ConnectionStatus.Ready)
        {
            return;
        }

        _idleTimer.Disposable = _scheduler.Schedule(this, _options.MaxIdle, static (_, connection) =>
        {
            connection.OnIdle();
            return Disposable.Empty;
        });
    }

    private void OnIdle()
    {
        lock (_gate)
        {
            if (_pending.Count > 0 || _closed)
            {
                return;
            }
        }

        Close(CloseReason.IdleDrop, null);
    }

    /// <summary>C9: closes once; every pending request fails with the reason; the state stream ends with Closed(reason).</summary>
    internal void Close(CloseReason reason, Exception? error)
    {
        PendingRequest[] failed;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            failed = _pending.ToArray();
            _pending.Clear();
            _idleTimer.Dispose();
            _reauthTimer.Dispose();
        }

        _options.Logger?.Log(
            reason is CloseReason.Shutdown or CloseReason.IdleDrop ? LogLevel.Debug : LogLevel.Warning,
            error,
            "Connection to {Broker} closed: {Reason}",
            Broker,
            reason);
        NetworkInstruments.Closed.Add(1, _brokerTag, new("reason", reason.ToString()));
        // The state says Closed before any pending request's failure is observed.
        _state.OnNext(ConnectionState.Closed(reason, error));
        foreach (var p in failed)
        {
            p.Timeout?.Dispose();
            p.Fail(new ConnectionClosedException(reason, Broker, error));
        }

        _zip.Dispose();
        _awaitingResponse.OnCompleted();
        _frames.OnCompleted();
        _completions.Post(static s => ((KafkaConnection)s!)._userFrames.OnCompleted(), this);
        _metrics.OnCompleted();
        _state.OnCompleted();
        _ = DisposeTransportAsync();
    }

    private async Task DisposeTransportAsync()
    {
        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is closed either way; a failing socket close changes nothing.
        }
    }

    private sealed class PendingRequest
    {
        // Exactly one of the two is set: a task's completion (SendAsync) or a subject (Send and the connection's own exchanges).
        private readonly IResponseCompletion? _completion;
        private readonly AsyncSubject<KafkaResponse>? _result;
        private int _done;

        public PendingRequest(KafkaRequest request, short version, short responseHeaderVersion, bool expectsResponse, IResponseCompletion? completion = null)
        {
            Request = request;
            Version = version;
            ResponseHeaderVersion = responseHeaderVersion;
            ExpectsResponse = expectsResponse;
            _completion = completion;
            _result = completion is null ? new AsyncSubject<KafkaResponse>() : null;
        }

        public KafkaRequest Request { get; }

        public short Version { get; }

        public short ResponseHeaderVersion { get; }

        public bool ExpectsResponse { get; }

        public int CorrelationId { get; set; } = -1;

        public DateTimeOffset SentAt { get; set; }

        public IDisposable? Timeout { get; set; }

        public byte[]? RawToken { get; init; }

        public bool IsDone => Volatile.Read(ref _done) != 0;

        public IObservable<KafkaResponse> Result => _result ?? throw new InvalidOperationException("this request completes a task, not an observable");

        public static PendingRequest Failed(Exception error, IResponseCompletion? completion = null)
        {
            var p = new PendingRequest(null!, -1, 0, false, completion);
            p.Fail(error);
            return p;
        }

        public void Complete(KafkaResponse response)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                if (_completion is not null)
                {
                    _completion.Complete(response);
                }
                else
                {
                    _result!.OnNext(response);
                    _result.OnCompleted();
                }
            }
        }

        public void Fail(Exception error)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                if (_completion is not null)
                {
                    _completion.Fail(error);
                }
                else
                {
                    _result!.OnError(error);
                }
            }
        }
    }

    private interface IResponseCompletion
    {
        void Complete(KafkaResponse response);

        void Fail(Exception error);
    }

    // What Send(request).ToTask(token) did, in one object: the task's source is the completion itself,
    // continuations run synchronously (no RunContinuationsAsynchronously, as with ToTask), and the
    // token cancels the task but not the request.
    private sealed class ResponseCompletion<TResponse> : TaskCompletionSource<TResponse>, IResponseCompletion
        where TResponse : KafkaResponse
    {
        private readonly CancellationTokenRegistration _cancellation;

        public ResponseCompletion(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.Register(static (state, token) => ((ResponseCompletion<TResponse>)state!).TrySetCanceled(token), this);
            }
        }

        public void Complete(KafkaResponse response)
        {
            TrySetResult((TResponse)response);
            _cancellation.Dispose();
        }

        public void Fail(Exception error)
        {
            TrySetException(error);
            _cancellation.Dispose();
        }
    }
}
