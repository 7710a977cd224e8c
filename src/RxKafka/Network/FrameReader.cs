using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using RxKafka.Protocol;

namespace RxKafka.Network;

/// <summary>
/// The read half of a connection: one loop over the transport's pipe that cuts it into frames (C10: a
/// 4-byte big-endian size, then the body) and lends each to an observer for the length of its
/// <c>OnNext</c>. A small frame is lent where it lies in the pipe; a large one is copied out of the pipe as
/// its bytes arrive, into one array from the pool, and lent from there (see <see cref="PooledFrame.Keep"/>).
/// The loop ends when the broker closes, the pipe fails, a size is out of bounds, or <see cref="Stop"/> is
/// called, and says why in the observer's <c>OnError</c>.
/// </summary>
internal sealed class FrameReader
{
    /// <summary>
    /// Frames this large or larger are read into a pooled array as they arrive rather than left in the pipe
    /// until whole. A Fetch response of megabytes otherwise sat in the pipe until its last byte came and was
    /// then copied out of memory long gone from the cache; copied piece by piece, each piece is read just after
    /// the socket wrote it, the pipe's segments go back at once (the socket then writes into memory still in
    /// the cache), and the response keeps the array instead of copying the frame again.
    /// </summary>
    internal const int DefaultLargeFrameSize = 64 * 1024;

    private readonly PipeReader _input;
    private readonly int _maxFrameSize;
    private readonly string _broker;
    private readonly ArrayPool<byte>? _largeFrames;
    private readonly int _largeFrameSize;
    private volatile bool _stopped;

    // The large frame being read in, and how many of its bytes have come.
    private PooledFrame? _assembling;
    private int _filled;

    /// <param name="input">The transport's pipe.</param>
    /// <param name="maxFrameSize">The largest size accepted (C10).</param>
    /// <param name="broker">Names the broker in errors.</param>
    /// <param name="largeFrames">Where frames of <paramref name="largeFrameSize"/> bytes or more are read into; null to lend every frame from the pipe.</param>
    /// <param name="largeFrameSize">See <see cref="DefaultLargeFrameSize"/>.</param>
    public FrameReader(PipeReader input, int maxFrameSize, string broker, ArrayPool<byte>? largeFrames = null, int largeFrameSize = DefaultLargeFrameSize)
    {
        _input = input;
        _maxFrameSize = maxFrameSize;
        _broker = broker;
        _largeFrames = largeFrames;
        _largeFrameSize = largeFrameSize;
    }

    /// <summary>Ends the loop at its next frame or read; the observer then hears that reading was stopped.</summary>
    public void Stop()
    {
        _stopped = true;
        _input.CancelPendingRead();
    }

    /// <summary>
    /// Reads until the end; each frame's body goes to <paramref name="frames"/> (valid only during the call),
    /// then <c>OnError</c> with why reading stopped: <see cref="KafkaProtocolException"/> for a bad size,
    /// <see cref="IOException"/> when the broker closed, or the transport's own exception. The pipe's reader
    /// is completed before that, so the transport can be let go.
    /// </summary>
    public async Task RunAsync(IObserver<ReadOnlySequence<byte>> frames)
    {
        Exception? why = null;
        try
        {
            while (!_stopped)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (!_stopped)
                {
                    if (_assembling is null)
                    {
                        if (!TryReadFrame(ref buffer, out var frame))
                        {
                            break;
                        }

                        if (_assembling is null)
                        {
                            frames.OnNext(frame);
                            continue;
                        }
                    }

                    if (!Fill(ref buffer))
                    {
                        break;
                    }

                    LendAssembled(frames);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (_stopped || result.IsCanceled)
                {
                    break;
                }

                if (result.IsCompleted)
                {
                    why = new IOException($"{_broker} closed the connection");
                    break;
                }
            }
        }
        catch (Exception e)
        {
            why = e;
        }

        // A frame cut off half way goes back to the pool.
        _assembling?.Release();
        _assembling = null;
        try
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pipe is let go either way.
        }

        frames.OnError(why ?? new OperationCanceledException($"reading from {_broker} was stopped"));
    }

    // The size is checked before the body is waited for: a bad size cannot make us buffer gigabytes. True with a
    // whole small frame, or with a large one started (_assembling: its bytes are read in by Fill).
    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        int size;
        if (buffer.FirstSpan.Length >= 4)
        {
            size = BinaryPrimitives.ReadInt32BigEndian(buffer.FirstSpan);
        }
        else
        {
            Span<byte> prefix = stackalloc byte[4];
            buffer.Slice(0, 4).CopyTo(prefix);
            size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        }

        if (size < 0 || size > _maxFrameSize)
        {
            throw new KafkaProtocolException($"frame size {size} from {_broker} is outside 0..{_maxFrameSize} (the maximum frame size)");
        }

        if (_largeFrames is not null && size >= _largeFrameSize)
        {
            buffer = buffer.Slice(4);
            _assembling = PooledFrame.Rent(_largeFrames, size);
            _filled = 0;
            return true;
        }

        if (buffer.Length < 4L + size)
        {
            return false;
        }

        frame = buffer.Slice(4, size);
        buffer = buffer.Slice(4L + size);
        return true;
    }

    // Copies what has come of the large frame; true once it is whole.
    private bool Fill(ref ReadOnlySequence<byte> buffer)
    {
        var rest = _assembling!.Writable[_filled..];
        var take = (int)Math.Min(rest.Length, buffer.Length);
        buffer.Slice(0, take).CopyTo(rest);
        buffer = buffer.Slice(take);
        _filled += take;
        return take == rest.Length;
    }

    // Lends the whole large frame; the reader's own reference goes when the observer returns (a response that
    // keeps the frame took one of its own).
    private void LendAssembled(IObserver<ReadOnlySequence<byte>> frames)
    {
        var frame = _assembling!;
        _assembling = null;
        try
        {
            frames.OnNext(frame.Lend());
        }
        finally
        {
            frame.Release();
        }
    }
}
