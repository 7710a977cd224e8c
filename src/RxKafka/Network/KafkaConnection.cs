using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Protocol.Messages;

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
    // them to the thread pool made the two-connection test of ConnectionResponseThreadTests fail now and
    // then, which turned out to be a race in that test (fixed since); the move is left for the
    // connection's rewrite into writer and reader loops. Cancelling only abandons the wait.
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
}
