using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Reactive;

namespace RxKafka.Client;

/// <summary>
/// The client's connections, one per (node id, <see cref="ConnectionGroup"/>) (K2). Concurrent
/// requests for the same key share one connection attempt; a closed connection leaves the pool
/// and the next request opens a new one. A broker that failed to connect is not tried again before
/// its reconnect backoff (S1) has passed: requests for it fail at once with
/// <see cref="NodeNotReadyException"/>.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private readonly IKafkaTransportFactory _transports;
    private readonly ConnectionOptions _connectionOptions;
    private readonly BackoffOptions _reconnect;
    private readonly Random _random;
    private readonly IScheduler _scheduler;
    private readonly ILogger? _logger;
    private readonly Action<BrokerNode, ConnectionGroup, ConnectionState> _closed;
    private readonly RecentFailures? _failures;
    private readonly object _gate = new();
    private readonly Dictionary<(int NodeId, ConnectionGroup Group), Entry> _entries = new();
    private readonly Dictionary<BrokerEndpoint, ReconnectState> _reconnects = new();
    private bool _disposed;

    /// <param name="transports">Opens transports.</param>
    /// <param name="connectionOptions">Options of every connection.</param>
    /// <param name="reconnect">The reconnect backoff.</param>
    /// <param name="random">Jitter source.</param>
    /// <param name="logger">Where to log, or null.</param>
    /// <param name="closed">Told when a pooled connection closes (K5 decides from the reason).</param>
    /// <param name="failures">Where failed connection attempts are noted, for the timeouts that name them; or null.</param>
    public ConnectionPool(
        IKafkaTransportFactory transports,
        ConnectionOptions connectionOptions,
        BackoffOptions reconnect,
        Random random,
        ILogger? logger,
        Action<BrokerNode, ConnectionGroup, ConnectionState> closed,
        RecentFailures? failures = null)
    {
        _failures = failures;
        _transports = transports;
        _connectionOptions = connectionOptions;
        _reconnect = reconnect;
        _random = random;
        _scheduler = connectionOptions.Scheduler;
        _logger = logger;
        _closed = closed;
    }

    /// <summary>How many connections are open or opening.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// A ready connection to <paramref name="node"/> in <paramref name="group"/>: the pooled one, the
    /// attempt already under way, or a new attempt. Hot: the attempt starts on the call.
    /// </summary>
    public IObservable<KafkaConnection> Get(BrokerNode node, ConnectionGroup group)
    {
        Entry entry;
        List<KafkaConnection>? stale = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = (node.NodeId, group);
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.Node.Endpoint == node.Endpoint && existing.Connection?.CurrentState.Status != ConnectionStatus.Closed)
                {
                    return existing.Ready;
                }

                // The broker now advertises another address, or the connection just closed.
                _entries.Remove(key);
                if (existing.Connection is { } old)
                {
                    (stale ??= new()).Add(old);
                }
            }

            if (_reconnects.TryGetValue(node.Endpoint, out var reconnect) && reconnect.NotBefore > _scheduler.Now)
            {
                // The failure that started the backoff is the cause and leads the message; the backoff
                // only says why it was not tried again (issue 11: "rxkafka produce" led with the backoff).
                var wait = reconnect.NotBefore - _scheduler.Now;
                var cause = reconnect.LastError?.Message ?? $"Broker {node} could not be connected to";
                return Observable.Throw<KafkaConnection>(new NodeNotReadyException(
                    node.NodeId,
                    $"{cause} (broker {node} is not tried again for another {wait.TotalMilliseconds:0} ms: reconnect backoff)",
                    reconnect.LastError));
            }

            entry = new Entry(node, group);
            _entries[key] = entry;
        }

        CloseAll(stale);
        ClientInstruments.ConnectionAttempts.Add(1, new KeyValuePair<string, object?>("group", group.ToString()));
        entry.Attempt.Disposable = KafkaConnection.Connect(node.Endpoint, _transports, _connectionOptions).Subscribe(
            connection => OnConnected(entry, connection),
            error => OnConnectFailed(entry, error));
        return entry.Ready;
    }

    /// <summary>Awaits <see cref="Get"/>.</summary>
    public Task<KafkaConnection> GetAsync(BrokerNode node, ConnectionGroup group, CancellationToken cancellationToken = default)
        => Get(node, group).ToTask(cancellationToken);

    /// <summary>The pooled connection to a node in a group when it is ready, else null.</summary>
    public KafkaConnection? TryGetReady(int nodeId, ConnectionGroup group)
    {
        lock (_gate)
        {
            return _entries.TryGetValue((nodeId, group), out var entry) && entry.Connection?.CurrentState.Status == ConnectionStatus.Ready
                ? entry.Connection
                : null;
        }
    }

    /// <summary>Whether a node has a ready connection in any group.</summary>
    public bool HasReadyConnection(int nodeId)
    {
        lock (_gate)
        {
            return _entries.Values.Any(e => e.Node.NodeId == nodeId && e.Connection?.CurrentState.Status == ConnectionStatus.Ready);
        }
    }

    /// <summary>Every open connection with its node and group.</summary>
    public IReadOnlyList<(BrokerNode Node, ConnectionGroup Group, KafkaConnection Connection)> ReadyConnections()
    {
        lock (_gate)
        {
            return _entries.Values
                .Where(e => e.Connection is not null && e.Connection.CurrentState.Status != ConnectionStatus.Closed)
                .Select(e => (e.Node, e.Group, e.Connection!))
                .ToList();
        }
    }

    /// <summary>
    /// K1: once the metadata names brokers, bootstrap connections (negative node ids) are not kept.
    /// One that goes to the same address as a named broker becomes that broker's connection;
    /// the others close with reason Shutdown.
    /// </summary>
    public void RetireBootstrapConnections(ClusterSnapshot snapshot)
    {
        if (snapshot.Brokers.Count == 0)
        {
            return;
        }

        List<KafkaConnection>? closing = null;
        lock (_gate)
        {
            foreach (var (key, entry) in _entries.Where(e => e.Key.NodeId < 0).ToList())
            {
                _entries.Remove(key);
                var broker = snapshot.Brokers.Values.FirstOrDefault(b => b.Endpoint == entry.Node.Endpoint);
                if (broker is not null && entry.Connection is not null && !_entries.ContainsKey((broker.NodeId, entry.Group)))
                {
                    entry.Node = broker;
                    _entries[(broker.NodeId, entry.Group)] = entry;
                    continue;
                }

                if (entry.Connection is { } connection)
                {
                    (closing ??= new()).Add(connection);
                }
                else
                {
                    // Still connecting: it closes when it arrives.
                    entry.Retired = true;
                }
            }
        }

        CloseAll(closing);
    }

    /// <summary>Closes every connection (reason Shutdown) and refuses new ones.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = _entries.Values.ToList();
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            if (entry.Connection is null)
            {
                entry.Attempt.Dispose();
            }

            entry.Ready.OnError(new ObjectDisposedException(nameof(KafkaClient), "the client was disposed while connecting"));
            if (entry.Connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void OnConnected(Entry entry, KafkaConnection connection)
    {
        bool keep, disposed;
        lock (_gate)
        {
            disposed = _disposed;
            keep = !_disposed && !entry.Retired && _entries.TryGetValue((entry.Node.NodeId, entry.Group), out var current) && ReferenceEquals(current, entry);
            if (keep)
            {
                entry.Connection = connection;
                _reconnects.Remove(entry.Node.Endpoint);
            }
        }

        if (!keep)
        {
            _ = connection.DisposeAsync();

            // Disposed: final. Otherwise the attempt was overtaken (a bootstrap connection retired when the metadata
            // named the brokers, or the broker's address changed): retriable, and a retry finds the right connection.
            entry.Ready.OnError(disposed
                ? new ObjectDisposedException(nameof(KafkaClient), $"the client was disposed while connecting to broker {entry.Node}")
                : new NodeNotReadyException(entry.Node.NodeId, $"The connection to broker {entry.Node} was opened after it stopped being wanted (the metadata named the brokers, or the broker's address changed); retry"));
            return;
        }

        ClientInstruments.Connections.Add(1, new KeyValuePair<string, object?>("group", entry.Group.ToString()));
        _logger?.LogDebug("Connected to broker {Broker} ({Group})", entry.Node, entry.Group);
        // The state stream ends with Closed(reason); a connection that closed before this
        // subscription only completes it, so the current state decides then.
        entry.Watch.Disposable = connection.State.Subscribe(
            state =>
            {
                if (state.Status == ConnectionStatus.Closed)
                {
                    OnClosed(entry, connection, state);
                }
            },
            _ => OnClosed(entry, connection, connection.CurrentState),
            () => OnClosed(entry, connection, connection.CurrentState));
        entry.Ready.OnNext(connection);
        entry.Ready.OnCompleted();
    }

    private void OnConnectFailed(Entry entry, Exception error)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((entry.Node.NodeId, entry.Group), out var current) && ReferenceEquals(current, entry))
            {
                _entries.Remove((entry.Node.NodeId, entry.Group));
            }

            if (!_reconnects.TryGetValue(entry.Node.Endpoint, out var reconnect))
            {
                _reconnects[entry.Node.Endpoint] = reconnect = new ReconnectState(new Backoff(_reconnect, _random));
            }

            reconnect.NotBefore = _scheduler.Now + reconnect.Backoff.NextDelay();
            reconnect.LastError = error;
        }

        _failures?.Add(entry.Node.Endpoint.ToString(), error);
        ClientInstruments.ConnectionFailures.Add(1, new KeyValuePair<string, object?>("group", entry.Group.ToString()));
        _logger?.LogDebug(error, "Could not connect to broker {Broker} ({Group})", entry.Node, entry.Group);
        entry.Ready.OnError(error);
    }

    private void OnClosed(Entry entry, KafkaConnection connection, ConnectionState state)
    {
        lock (_gate)
        {
            if (entry.Closed)
            {
                return;
            }

            entry.Closed = true;
            var key = (entry.Node.NodeId, entry.Group);
            if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
            {
                _entries.Remove(key);
            }
        }

        ClientInstruments.Connections.Add(-1, new KeyValuePair<string, object?>("group", entry.Group.ToString()));
        _closed(entry.Node, entry.Group, state.Status == ConnectionStatus.Closed ? state : ConnectionState.Closed(CloseReason.Shutdown));
    }

    private static void CloseAll(List<KafkaConnection>? connections)
    {
        foreach (var connection in connections ?? [])
        {
            _ = connection.DisposeAsync();
        }
    }

    /// <summary>Every entry and its connection's state: for diagnostics.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return string.Join("; ", _entries.Select(e => $"{e.Key.NodeId}/{e.Key.Group}: {(e.Value.Connection is { } c ? c.CurrentState.ToString() : "connecting")}"));
        }
    }

    private sealed class Entry(BrokerNode node, ConnectionGroup group)
    {
        public BrokerNode Node { get; set; } = node;

        public ConnectionGroup Group { get; } = group;

        public AsyncSubject<KafkaConnection> Ready { get; } = new();

        public KafkaConnection? Connection { get; set; }

        public System.Reactive.Disposables.SingleAssignmentDisposable Attempt { get; } = new();

        public System.Reactive.Disposables.SingleAssignmentDisposable Watch { get; } = new();

        public bool Retired { get; set; }

        public bool Closed { get; set; }
    }

    private sealed class ReconnectState(Backoff backoff)
    {
        public Backoff Backoff { get; } = backoff;

        public DateTimeOffset NotBefore { get; set; }

        public Exception? LastError { get; set; }
    }
}
