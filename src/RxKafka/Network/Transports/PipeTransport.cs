using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Pipelines.Sockets.Unofficial;

namespace RxKafka.Network.Transports;

/// <summary>
/// A transport over a connected socket, as a duplex pipe from Pipelines.Sockets.Unofficial: the socket
/// itself (<see cref="SocketConnection"/>, TCP) or a TLS stream on top of it (<see cref="StreamConnection"/>).
/// The package's send loop writes what the connection flushed, as much as has gathered, and its receive
/// loop fills the input: the connection never makes a socket call itself.
/// </summary>
internal sealed class PipeTransport : IKafkaTransport
{
    // 64 KiB segments: a Fetch response arrives in few reads, and a megabyte Produce request goes out
    // in 16 segments, not 256.
    internal const int SegmentSize = 64 * 1024;

    // The send pipe holds back a writer with this much unsent (the broker reads slower than we write)
    // and lets it go on below the resume mark: a bound on a connection's buffered requests.
    private const long PauseSendingAt = 8 * 1024 * 1024;
    private const long ResumeSendingAt = 4 * 1024 * 1024;

    // The receive pipe never holds the socket back: a frame larger than the threshold would wait for
    // bytes the paused socket never delivers. What arrives is bounded anyway: responses to our requests.
    private static readonly PipeOptions s_receive = new(
        TransportMemoryPool.Instance,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        minimumSegmentSize: SegmentSize,
        useSynchronizationContext: false);

    // The package's send loop resumes inline when the connection's writer flushes: the socket call is
    // made on the writer's executor, one hand-off fewer per request than a send loop on the thread pool.
    private static readonly PipeOptions s_send = new(
        TransportMemoryPool.Instance,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: PauseSendingAt,
        resumeWriterThreshold: ResumeSendingAt,
        minimumSegmentSize: SegmentSize,
        useSynchronizationContext: false);

    private readonly IDuplexPipe _pipe;
    private readonly IDisposable? _connection;
    private readonly SslStream? _tls;
    private int _disposed;

    private PipeTransport(Socket socket, IDuplexPipe pipe, IDisposable? connection, SslStream? tls, string description, AppliedSocketOptions applied)
    {
        Socket = socket;
        _pipe = pipe;
        _connection = connection;
        _tls = tls;
        Description = description;
        AppliedOptions = applied;
    }

    /// <inheritdoc/>
    public PipeReader Input => _pipe.Input;

    /// <inheritdoc/>
    public PipeWriter Output => _pipe.Output;

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public bool IsEncrypted => _tls is not null;

    /// <summary>The socket underneath, for tests that read its options back.</summary>
    internal Socket Socket { get; }

    /// <summary>The options that were set on <see cref="Socket"/>.</summary>
    internal AppliedSocketOptions AppliedOptions { get; }

    /// <summary>A TCP transport: the socket as a duplex pipe.</summary>
    internal static PipeTransport OverSocket(Socket socket, string description, AppliedSocketOptions applied)
    {
        var connection = SocketConnection.Create(socket, s_send, s_receive, SocketConnectionOptions.None, description);
        return new PipeTransport(socket, connection, connection, null, description, applied);
    }

    /// <summary>A TLS transport: an authenticated TLS stream as a duplex pipe.</summary>
    internal static PipeTransport OverTls(Socket socket, SslStream tls, string description, AppliedSocketOptions applied) =>
        new(socket, StreamConnection.GetDuplex(tls, s_send, s_receive, description), null, tls, description, applied);

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>
    /// Closes the connection: bytes written but not sent are dropped (flush first to send them), a
    /// pending read or held-back flush ends, and the socket is let go.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The socket first: the package's loops, a flush held back by a peer that stopped reading, and a
        // pending read then end at once instead of hanging the dispose.
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
        }

        Output.CancelPendingFlush();
        Input.CancelPendingRead();
        Socket.Dispose();
        _connection?.Dispose();
        if (_tls is not null)
        {
            try
            {
                await _tls.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // An SslStream may fail to send its close_notify over the closed socket.
            }
        }

        // Our ends of the pipes: with an exception the writer returns its buffers without sending them.
        // (A connection disposes its transport only once its reader and writer are done with it.)
        await Output.CompleteAsync(new ObjectDisposedException(Description, "The transport was disposed.")).ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false);
    }
}
