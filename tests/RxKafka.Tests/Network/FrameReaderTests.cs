using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using RxKafka.Network;
using RxKafka.Protocol;
using RxKafka.Tests.Consumer;

namespace RxKafka.Tests.Network;

/// <summary>
/// The connection's frame reader (C10): small frames lent where they lie in the pipe, large ones read into one
/// pooled array as their bytes arrive and lent from there; every array goes back to the pool once, whether the
/// frame was kept, given back, or cut off.
/// </summary>
public sealed class FrameReaderTests
{
    private const int Large = 1024;

    [Fact]
    public async Task C10_a_large_frame_arriving_in_pieces_is_lent_whole_from_one_pooled_array_that_goes_back_after_the_call()
    {
        var pool = new PoisoningArrayPool();
        var pipe = new Pipe();
        var seen = new List<(byte[] Bytes, bool SingleSegment, int Outstanding)>();
        var observer = new Frames(frame => seen.Add((frame.ToArray(), frame.IsSingleSegment, pool.Outstanding)));
        var reading = new FrameReader(pipe.Reader, 1 << 20, "broker-1", pool, Large).RunAsync(observer);

        var body = Body(5000, seed: 1);
        var bytes = Framed(body);
        foreach (var piece in bytes.Chunk(700))
        {
            await pipe.Writer.WriteAsync(piece, TestContext.Current.CancellationToken);
        }

        await pipe.Writer.CompleteAsync();
        await reading;

        var frame = Assert.Single(seen);
        Assert.Equal(body, frame.Bytes);
        Assert.True(frame.SingleSegment);
        Assert.Equal(1, frame.Outstanding);
        Assert.Equal((1, 1, 0), (pool.Rented, pool.Returned, pool.Outstanding));
        Assert.IsType<IOException>(observer.Error);
    }

    [Fact]
    public async Task C10_a_large_frame_kept_by_the_observer_is_the_same_array_and_goes_back_at_the_last_release()
    {
        var pool = new PoisoningArrayPool();
        var pipe = new Pipe();
        var kept = new List<PooledFrame>();
        var observer = new Frames(frame => kept.Add(PooledFrame.Keep(frame, pool)));
        var reading = new FrameReader(pipe.Reader, 1 << 20, "broker-1", pool, Large).RunAsync(observer);

        var body = Body(3000, seed: 2);
        await pipe.Writer.WriteAsync(Framed(body), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();
        await reading;

        var frame = Assert.Single(kept);
        Assert.Equal(body, frame.Memory.ToArray());
        Assert.Equal((1, 0), (pool.Rented, pool.Returned)); // kept, not copied
        frame.Release();
        Assert.Equal((1, 1, 0), (pool.Rented, pool.Returned, pool.Outstanding));
        Assert.Throws<ObjectDisposedException>(() => frame.Memory);
    }

    [Fact]
    public async Task C10_small_and_large_frames_come_in_order_and_only_the_large_ones_are_rented()
    {
        var pool = new PoisoningArrayPool();
        var pipe = new Pipe();
        var seen = new List<byte[]>();
        var reading = new FrameReader(pipe.Reader, 1 << 20, "broker-1", pool, Large).RunAsync(new Frames(frame => seen.Add(frame.ToArray())));

        byte[][] bodies = [Body(10, 3), Body(Large, 4), Body(0, 5), Body(Large - 1, 6), Body(4 * Large, 7), Body(1, 8)];
        var all = bodies.SelectMany(Framed).ToArray();
        foreach (var piece in all.Chunk(333))
        {
            await pipe.Writer.WriteAsync(piece, TestContext.Current.CancellationToken);
        }

        await pipe.Writer.CompleteAsync();
        await reading;

        Assert.Equal(bodies, seen);
        Assert.Equal((2, 2), (pool.Rented, pool.Returned));
    }

    [Fact]
    public async Task C10_a_large_frame_cut_off_half_way_goes_back_to_the_pool_and_the_reader_says_the_broker_closed()
    {
        var pool = new PoisoningArrayPool();
        var pipe = new Pipe();
        var observer = new Frames(_ => Assert.Fail("a frame cut off half way was lent"));
        var reading = new FrameReader(pipe.Reader, 1 << 20, "broker-1", pool, Large).RunAsync(observer);

        await pipe.Writer.WriteAsync(Framed(Body(5000, 9)).AsMemory(0, 3000), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();
        await reading;

        Assert.Equal((1, 1, 0), (pool.Rented, pool.Returned, pool.Outstanding));
        Assert.Contains("broker-1 closed the connection", Assert.IsType<IOException>(observer.Error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C10_a_size_over_the_maximum_is_refused_before_anything_is_rented()
    {
        var pool = new PoisoningArrayPool();
        var pipe = new Pipe();
        var observer = new Frames(_ => Assert.Fail("a frame over the maximum was lent"));
        var reading = new FrameReader(pipe.Reader, 4096, "broker-1", pool, Large).RunAsync(observer);

        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 4097);
        await pipe.Writer.WriteAsync(header, TestContext.Current.CancellationToken);
        await reading;

        Assert.Equal(0, pool.Rented);
        Assert.Contains("frame size 4097 from broker-1 is outside 0..4096", Assert.IsType<KafkaProtocolException>(observer.Error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void C10_a_frame_that_was_not_lent_from_the_pool_is_copied_when_kept()
    {
        var pool = new PoisoningArrayPool();
        var body = Body(100, 10);

        var kept = PooledFrame.Keep(new ReadOnlySequence<byte>(body), pool);

        Assert.Equal(body, kept.Memory.ToArray());
        Assert.Equal(1, pool.Rented);
        kept.Release();
        Assert.Equal(0, pool.Outstanding);
    }

    private static byte[] Body(int length, int seed)
    {
        var body = new byte[length];
        new Random(seed).NextBytes(body);
        return body;
    }

    private static byte[] Framed(byte[] body)
    {
        var framed = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed, body.Length);
        body.CopyTo(framed, 4);
        return framed;
    }

    private sealed class Frames(Action<ReadOnlySequence<byte>> onFrame) : IObserver<ReadOnlySequence<byte>>
    {
        public Exception? Error { get; private set; }

        public void OnNext(ReadOnlySequence<byte> value) => onFrame(value);

        public void OnError(Exception error) => Error = error;

        public void OnCompleted()
        {
        }
    }
}
