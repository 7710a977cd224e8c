using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace RxKafka.Network;

/// <summary>
/// The read half of a connection: one loop over the transport's pipe that cuts it into frames (C10: a
/// 4-byte big-endian size, then the body) and lends each to an observer for the length of its
/// <c>OnNext</c>, without copying it. The loop ends when the broker closes, the pipe fails, a size is out
/// of bounds, or <see cref="Stop"/> is called, and says why in the observer's <c>OnError</c>.
/// </summary>
internal sealed class FrameReader
{
    private readonly PipeReader _input;
    private readonly int _maxFrameSize;
    private readonly string _broker;
    private volatile bool _stopped;

    public FrameReader(PipeReader input, int maxFrameSize, string broker)
    {
        _input = input;
        _maxFrameSize = maxFrameSize;
        _broker = broker;
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
                while (!_stopped && TryReadFrame(ref buffer, out var frame))
                {
                    frames.OnNext(frame);
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

    // The size is checked before the body is waited for: a bad size cannot make us buffer gigabytes.
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

        if (buffer.Length < 4L + size)
        {
            return false;
        }

        frame = buffer.Slice(4, size);
        buffer = buffer.Slice(4L + size);
        return true;
    }
}
