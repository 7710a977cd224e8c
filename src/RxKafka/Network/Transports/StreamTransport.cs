using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace RxKafka.Network;

/// <summary>
/// A transport over a connected socket: pipes over a <see cref="NetworkStream"/> (TCP) or over an
/// <see cref="System.Net.Security.SslStream"/> on top of it (TLS).
/// </summary>
internal sealed class StreamTransport : IKafkaTransport
{
    // 64 KiB reads: a Fetch response arrives in few reads; the pool hands the buffers back.
    internal const int ReadBufferSize = 64 * 1024;
    // 64 KiB segments: a megabyte Produce request goes out in 16 writes, not 256.
    private const int MinimumWriteBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private int _disposed;

    internal StreamTransport(Socket socket, Stream stream, string description, AppliedSocketOptions applied)
    {
        Socket = socket;
        _stream = stream;
        Description = description;
        AppliedOptions = applied;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(TransportMemoryPool.Instance, ReadBufferSize, minimumReadSize: 1024, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(TransportMemoryPool.Instance, MinimumWriteBufferSize, leaveOpen: true));
    }

    /// <inheritdoc/>
    public PipeReader Input { get; }

    /// <inheritdoc/>
    public PipeWriter Output { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public bool IsEncrypted => _stream is System.Net.Security.SslStream;

    /// <summary>The socket underneath, for tests that read its options back.</summary>
    internal Socket Socket { get; }

    /// <summary>The options that were set on <see cref="Socket"/>.</summary>
    internal AppliedSocketOptions AppliedOptions { get; }

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>
    /// Closes the connection: bytes written but not flushed are dropped (flush first to send them),
    /// a pending read ends, and both pipes are completed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Close the socket first: a flush blocked on a peer that stopped reading, or a pending
        // read, then ends at once instead of hanging the dispose.
        Input.CancelPendingRead();
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

        Socket.Dispose();
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // An SslStream may fail to send its close_notify over the closed socket.
        }
        catch (ObjectDisposedException)
        {
        }

        // With an exception the writer returns its buffers without trying to write them.
        await Output.CompleteAsync(new ObjectDisposedException(Description, "The transport was disposed.")).ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false);
    }
}
