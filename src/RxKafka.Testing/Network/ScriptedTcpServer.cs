using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using RxKafka.Network;

namespace RxKafka.Testing.Network;

/// <summary>
/// A <see cref="ScriptedCluster"/> served over loopback TCP (<see cref="ScriptedCluster.ServeTcp"/>): one
/// listener per broker on 127.0.0.1 at an ephemeral port, so that clients other than RxKafka (kafka-python,
/// Confluent.Kafka, kcat) can be run against the cluster. Each accepted socket becomes a connection to its
/// broker, exactly as <see cref="ScriptedCluster.ConnectAsync"/> makes one: the same answers, handlers,
/// queued errors and faults (a broker that is down closes the socket at once).
/// </summary>
public sealed class ScriptedTcpServer : IAsyncDisposable
{
    private readonly ScriptedCluster _cluster;
    private readonly Dictionary<int, (BrokerEndpoint Listening, BrokerEndpoint Before)> _endpoints = new();
    private readonly List<TcpListener> _listeners = new();
    private readonly List<Task> _acceptLoops = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly CancellationTokenSource _stop = new();

    private ScriptedTcpServer(ScriptedCluster cluster) => _cluster = cluster;

    /// <summary>Kafka's <c>bootstrap.servers</c> for the served cluster: every served broker's 127.0.0.1:port, in node-id order.</summary>
    public string BootstrapServers => string.Join(",", _endpoints.OrderBy(e => e.Key).Select(e => e.Value.Listening.ToString()));

    /// <summary>Where broker <paramref name="nodeId"/> listens (and what Metadata advertises for it while served).</summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <exception cref="ArgumentException">The broker is not served (it was added after <see cref="ScriptedCluster.ServeTcp"/>).</exception>
    public BrokerEndpoint Endpoint(int nodeId) => _endpoints.TryGetValue(nodeId, out var e)
        ? e.Listening
        : throw new ArgumentException($"Broker {nodeId} is not served over TCP; the served brokers are [{string.Join(", ", _endpoints.Keys)}].", nameof(nodeId));

    /// <summary>
    /// Stops listening, closes every connection accepted, and moves the brokers back to the endpoints they
    /// had before (those that are still in the cluster and still there).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops.Concat(_connections.Values)).ConfigureAwait(false);
        foreach (var (nodeId, (listening, before)) in _endpoints)
        {
            if (_cluster.NodeIds.Contains(nodeId) && _cluster.Endpoint(nodeId) == listening)
            {
                _cluster.SetBrokerEndpoint(nodeId, before.Host, before.Port);
            }
        }

        _stop.Dispose();
    }

    internal static ScriptedTcpServer Start(ScriptedCluster cluster)
    {
        var server = new ScriptedTcpServer(cluster);
        try
        {
            foreach (var nodeId in cluster.NodeIds)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                server._listeners.Add(listener);
                var listening = new BrokerEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
                server._endpoints.Add(nodeId, (listening, cluster.Endpoint(nodeId)));
                cluster.SetBrokerEndpoint(nodeId, listening.Host, listening.Port);
            }

            foreach (var (listener, endpoint) in server._listeners.Zip(server._endpoints.Values.Select(e => e.Listening)))
            {
                server._acceptLoops.Add(server.AcceptAsync(listener, endpoint));
            }
        }
        catch
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return server;
    }

    private async Task AcceptAsync(TcpListener listener, BrokerEndpoint endpoint)
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                socket.NoDelay = true;
                _connections[socket] = ServeAsync(socket, endpoint);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    // One client socket: a connection to the broker, bytes pumped both ways until either side closes.
    private async Task ServeAsync(Socket socket, BrokerEndpoint endpoint)
    {
        await Task.Yield();
        IKafkaTransport? transport = null;
        try
        {
            transport = await _cluster.ConnectAsync(endpoint, _stop.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var toBroker = PumpAsync(() => stream.CopyToAsync(transport.Output, _stop.Token));
            var toClient = PumpAsync(() => transport.Input.CopyToAsync(stream, _stop.Token));
            await Task.WhenAny(toBroker, toClient).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaConnectionException or OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Refused (the broker is down) or gone: the socket is closed below.
        }
        finally
        {
            socket.Dispose();
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }

            _connections.TryRemove(socket, out _);
        }
    }

    private static async Task PumpAsync(Func<Task> copy)
    {
        try
        {
            await copy().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // One side closed.
        }
    }
}
