using System.Buffers;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Protocol.Messages;
using RxKafka.Reactive;

namespace RxKafka.Network;

/// <summary>
/// One connection to one broker. Received frames are an observable (<see cref="Frames"/>);
/// request/response is the correlated zip of the in-order stream of sent requests and the
/// in-order stream of frames. Timeouts and idle checks run on the options' scheduler.
/// </summary>
public sealed partial class KafkaConnection : IAsyncDisposable
{
    private const int RttSamples = 100;

    private readonly IKafkaTransport _transport;
    private readonly ConnectionOptions _options;
    private readonly IScheduler _scheduler;
    private readonly BehaviorSubject<ConnectionState> _state = new(ConnectionState.Connecting);
    // The connection's serial executor: the writer's passes and the close of the request stream run on it.
    private readonly SerialExecutor _executor;
    private readonly FrameWriter<PendingRequest> _writer;
    private readonly FrameReader _reader;
    // The two ordered streams the correlated zip pairs: requests as written (pushed on the executor) and
    // frames as read (pushed by the reader, lent for the call).
    private readonly Subject<PendingRequest> _sent = new();
    private readonly Subject<ReadOnlySequence<byte>> _frames = new();
    private readonly IDisposable _zip;
    // The public face of the frames: its subscribers are user code, called on a lane of their own with a
    // copy of each frame, never on the reader: one that blocks or throws cannot stall or close the connection.
    private readonly Subject<ReadOnlyMemory<byte>> _userFrames = new();
    private readonly SerialExecutor _userLane;
    // Where responses complete Send's observables: in response order, on the thread pool, never on the
    // reader; a subscriber that blocks holds up only the later completions of this connection, not its
    // responses. (SendAsync's tasks need no lane: their continuations run on the thread pool.)
    private readonly SerialExecutor _completionLane;
    private readonly bool _inline;
    private readonly Subject<ConnectionMetrics> _metrics = new();
    private readonly object _gate = new();
    private readonly SerialDisposable _reauthTimer = new();
    private readonly Queue<TimeSpan> _rtts = new();
    private readonly KeyValuePair<string, object?> _brokerTag;
    private readonly RequestHeader _requestHeader;
    private readonly int[] _requestHeaderSizes;
    private int _nextCorrelationId;
    private int _inFlight;
    // The reader and the writer each let go of the transport once; the second one disposes it.
    private int _openHalves = 2;
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
        _requestHeaderSizes = new int[_requestHeader.HighestSupportedVersion + 1];
        for (short v = 0; v < _requestHeaderSizes.Length; v++)
        {
            _requestHeaderSizes[v] = _requestHeader.ComputeSize(v);
        }

        _writer = new FrameWriter<PendingRequest>(transport.Output, _scheduler, new Encoder(this), e => options.Logger?.LogError(e, "The writer of {Broker} failed", endpoint));
        _executor = _writer.Executor;
        _userLane = new SerialExecutor(_scheduler, onError: e => options.Logger?.LogWarning(e, "A subscriber of the frames of {Broker} threw", endpoint));
        _completionLane = new SerialExecutor(_scheduler, onError: e => options.Logger?.LogWarning(e, "A continuation of a request to {Broker} threw", endpoint));
        _inline = _executor.IsInline;
        _reader = new FrameReader(transport.Input, options.MaxFrameSize, Broker, options.ResponseBufferPool, options.LargeFrameSize);

        // C5: the n-th frame answers the n-th request that expects one, and carries its correlation id.
        _zip = new CorrelatedZip<PendingRequest, ReadOnlySequence<byte>>(_sent, _frames, Mismatch, Unsolicited)
            .Subscribe(new Outcomes(this));
        _ = _reader.RunAsync(new FrameObserver(this));
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
    internal ApiVersionTable? ApiVersions { get; private set; }

    /// <summary>A metrics snapshot after each response.</summary>
    public IObservable<ConnectionMetrics> MetricsUpdates => _metrics.AsObservable();

    /// <summary>Opens a transport to <paramref name="endpoint"/> and negotiates API versions (C1, C2).</summary>
    /// <param name="endpoint">The broker.</param>
    /// <param name="transports">Opens the transport (TCP, TLS, in-memory).</param>
    /// <param name="options">Connection options; defaults when null.</param>
    /// <returns>A cold observable: each subscription connects once and yields a ready connection.</returns>
    internal static IObservable<KafkaConnection> Connect(BrokerEndpoint endpoint, IKafkaTransportFactory transports, ConnectionOptions? options = null)
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

    /// <summary>Opens and negotiates a connection; see <see cref="Connect(BrokerEndpoint, IKafkaTransportFactory, ConnectionOptions?)"/>.</summary>
    internal static Task<KafkaConnection> ConnectAsync(BrokerEndpoint endpoint, IKafkaTransportFactory transports, ConnectionOptions? options = null, CancellationToken cancellationToken = default)
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
        // Subscribers are user code: called on the completion lane, never on the reader (in virtual time, inline).
        return Observable.Defer(() => Start(request, version, requireReady: true).Result.Select(r => (TResponse)r));
    }

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> (null: the negotiated one): for callers that build a request by version.</summary>
    internal Task<TResponse> SendAtVersionAsync<TResponse>(KafkaRequest<TResponse> request, short? version, CancellationToken cancellationToken)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        return StartAsync(request, version, requireReady: true, cancellationToken);
    }

    /// <summary>Sends <paramref name="request"/> and awaits its response; see <see cref="Send{TResponse}(KafkaRequest{TResponse})"/>.</summary>
    public Task<TResponse> SendAsync<TResponse>(KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        return StartAsync(request, version: null, requireReady: true, cancellationToken);
    }

    /// <summary>
    /// <see cref="SendAsync{TResponse}"/> for the library's own engines, called from their executor's pass on
    /// a pool thread: an idle writer loop runs on the calling thread (one hand-off fewer per request), and
    /// the task's continuations run where the response is decoded, on the reader, so they must only hand
    /// the answer over (the producer's sinks post it to their executor).
    /// </summary>
    internal Task<TResponse> SendHandingOverAsync<TResponse>(KafkaRequest<TResponse> request)
        where TResponse : KafkaResponse
        => SendHandingOverAsync(request, version: null);

    /// <summary><see cref="SendHandingOverAsync{TResponse}(KafkaRequest{TResponse})"/> at <paramref name="version"/> (null: the negotiated one), for an engine that picks it (a fetch without topic ids stays at v12).</summary>
    internal Task<TResponse> SendHandingOverAsync<TResponse>(KafkaRequest<TResponse> request, short? version)
        where TResponse : KafkaResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        return StartAsync(request, version, requireReady: true, CancellationToken.None, inlineContinuations: true);
    }

    // The pending request completes the task itself, with no Defer, Select, AsyncSubject and ToTask
    // observer in between. The reader completes the tasks in response order and their continuations run
    // on the thread pool, never on the reader (in virtual time, inline: a multi-step exchange such as SASL
    // stays on the thread advancing the TestScheduler). Cancelling only abandons the wait.
    private Task<TResponse> StartAsync<TResponse>(KafkaRequest<TResponse> request, short? version, bool requireReady, CancellationToken cancellationToken, bool inlineContinuations = false)
        where TResponse : KafkaResponse
    {
        var completion = new ResponseCompletion<TResponse>(cancellationToken, runContinuationsAsynchronously: !inlineContinuations && !_inline);
        try
        {
            Start(request, version, requireReady, completion, writeHere: inlineContinuations);
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
            return new ConnectionMetrics(_bytesSent, _bytesReceived, _framesSent, _framesReceived, _inFlight, _rtts.ToArray());
        }
    }

    /// <summary>What the connection waits for: for diagnostics in tests.</summary>
    internal string Describe()
    {
        lock (_gate)
        {
            return $"{Broker}: {CurrentState}, in flight {_inFlight}, frames sent {_framesSent}, received {_framesReceived}, next correlation id {_nextCorrelationId}";
        }
    }

    /// <summary>Closes the connection with reason Shutdown; pending requests fail.</summary>
    public ValueTask DisposeAsync()
    {
        Close(CloseReason.Shutdown, null);
        return ValueTask.CompletedTask;
    }
}
