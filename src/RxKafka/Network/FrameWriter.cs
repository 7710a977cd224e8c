using System.Collections.Concurrent;
using System.IO.Pipelines;
using RxKafka.Reactive;

namespace RxKafka.Network;

/// <summary>
/// The write half of a connection: one loop, on the connection's serial executor, that encodes queued
/// frames into the transport's pipe in the order they were queued and flushes once per pass (or every
/// <see cref="FlushEvery"/> bytes), so a burst of requests costs one flush. A flush the pipe holds back
/// (the broker reads slower than we write) pauses the loop; frames queue meanwhile, and nobody blocks.
/// </summary>
/// <typeparam name="TFrame">What is written: the connection's pending request.</typeparam>
internal sealed class FrameWriter<TFrame>
    where TFrame : class
{
    // A large request starts on its way before the next one is encoded.
    private const int FlushEvery = 256 * 1024;

    private readonly ConcurrentQueue<TFrame> _queue = new();
    private readonly List<TFrame> _unflushed = [];
    private readonly PipeWriter _output;
    private readonly IFrameEncoder _encoder;
    private bool _flushing;
    private bool _failed;

    /// <param name="output">The transport's output.</param>
    /// <param name="scheduler">Where the loop runs: the thread pool in real time, inline in virtual time (see <see cref="SerialExecutor"/>).</param>
    /// <param name="encoder">Says what each frame becomes on the wire, and hears what became of it.</param>
    /// <param name="onError">Hears what the encoder threw outside <see cref="IFrameEncoder.Encode"/>.</param>
    public FrameWriter(PipeWriter output, System.Reactive.Concurrency.IScheduler scheduler, IFrameEncoder encoder, Action<Exception> onError)
    {
        _output = output;
        _encoder = encoder;
        Executor = new SerialExecutor(scheduler, Pass, onError);
    }

    /// <summary>The serial executor the loop runs on: the connection's, where it also closes its request stream.</summary>
    public SerialExecutor Executor { get; }

    /// <summary>What the writer asks of its owner, on the executor, frame by frame in queue order.</summary>
    public interface IFrameEncoder
    {
        /// <summary>Readies <paramref name="frame"/> for writing; false withdraws it (the owner has given it its outcome).</summary>
        bool Begin(TFrame frame);

        /// <summary>Writes <paramref name="frame"/> into <paramref name="output"/>; returns the bytes written.</summary>
        int Encode(TFrame frame, PipeWriter output);

        /// <summary><paramref name="frame"/> was flushed to the transport.</summary>
        void Flushed(TFrame frame);

        /// <summary>Writing failed (the transport is gone): <paramref name="frames"/> were written but not flushed, or being written.</summary>
        void Failed(IReadOnlyList<TFrame> frames, Exception error);
    }

    /// <summary>Queues <paramref name="frame"/>; the loop writes it after every frame queued before it.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="here">
    /// Whether an idle loop may run on this thread (<see cref="SerialExecutor.SignalHere"/>): only for a
    /// caller that is library work on a pool thread, such as a producer sink's pass.
    /// </param>
    public void Enqueue(TFrame frame, bool here = false)
    {
        _queue.Enqueue(frame);
        if (here)
        {
            Executor.SignalHere();
        }
        else
        {
            Executor.Signal();
        }
    }

    // One pass of the loop: the executor's drain.
    private void Pass()
    {
        if (_flushing)
        {
            // The pass after the flush completes writes what queued meanwhile.
            return;
        }

        var written = 0;
        while (_queue.TryDequeue(out var frame))
        {
            if (!_encoder.Begin(frame))
            {
                continue;
            }

            _unflushed.Add(frame);
            if (_failed)
            {
                Fail(new IOException("an earlier write on this connection failed"));
                continue;
            }

            try
            {
                written += _encoder.Encode(frame, _output);
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }

            if (written >= FlushEvery && !Flush())
            {
                return;
            }

            if (written >= FlushEvery)
            {
                written = 0;
            }
        }

        if (_unflushed.Count > 0)
        {
            Flush();
        }
    }

    // True when the flush completed at once; otherwise the loop waits for it.
    private bool Flush()
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = _output.FlushAsync();
        }
        catch (Exception e)
        {
            Fail(e);
            return false;
        }

        if (flush.IsCompletedSuccessfully)
        {
            Flushed(flush.Result);
            return !_failed;
        }

        _flushing = true;
        _ = AwaitFlushAsync(flush);
        return false;
    }

    private async Task AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        FlushResult result = default;
        Exception? error = null;
        try
        {
            result = await flush.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }

        // Back on the executor: the frames and the loop's state are only touched there.
        Executor.Post(
            static s =>
            {
                var (writer, result, error) = ((FrameWriter<TFrame>, FlushResult, Exception?))s!;
                writer._flushing = false;
                if (error is not null)
                {
                    writer.Fail(error);
                }
                else
                {
                    writer.Flushed(result);
                }
            },
            (this, result, error));
    }

    private void Flushed(FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            Fail(new IOException("the transport closed while writing"));
            return;
        }

        foreach (var frame in _unflushed)
        {
            _encoder.Flushed(frame);
        }

        _unflushed.Clear();
    }

    private void Fail(Exception error)
    {
        _failed = true;
        var frames = _unflushed.ToArray();
        _unflushed.Clear();
        _encoder.Failed(frames, error);
    }
}
