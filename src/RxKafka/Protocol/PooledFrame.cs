using System.Buffers;

namespace RxKafka.Protocol;

/// <summary>
/// A response frame received into an array rented from a pool, shared by whoever keeps slices of it (a Fetch
/// response's records: the fetch sink while it hands the response over, then one reference per fetched chunk).
/// The last <see cref="Release"/> gives the array back, so reading a backlog does not allocate, zero and collect
/// a large array per response. After that the memory belongs to the pool again: nothing may read it.
/// </summary>
internal sealed class PooledFrame
{
    private readonly ArrayPool<byte> _pool;
    private readonly int _length;
    private byte[]? _array;
    private int _references = 1;

    private PooledFrame(ArrayPool<byte> pool, byte[] array, int length)
    {
        _pool = pool;
        _array = array;
        _length = length;
    }

    /// <summary>A copy of <paramref name="frame"/> in an array rented from <paramref name="pool"/>, with one reference (the caller's).</summary>
    public static PooledFrame CopyOf(in ReadOnlySequence<byte> frame, ArrayPool<byte> pool)
    {
        var length = checked((int)frame.Length);
        var array = pool.Rent(length);
        frame.CopyTo(array);
        return new PooledFrame(pool, array, length);
    }

    /// <summary>
    /// <paramref name="frame"/> as a pooled frame with one reference for the caller: the frame itself when it was
    /// lent by <see cref="Lend"/> from <paramref name="pool"/> and is whole (no copy), otherwise <see cref="CopyOf"/>.
    /// </summary>
    public static PooledFrame Keep(in ReadOnlySequence<byte> frame, ArrayPool<byte> pool)
    {
        if (frame.Start.GetObject() is Lent { Frame: var lent } && ReferenceEquals(lent._pool, pool) && frame.Length == lent._length)
        {
            lent.AddReference();
            return lent;
        }

        return CopyOf(frame, pool);
    }

    /// <summary>An array of <paramref name="length"/> bytes rented from <paramref name="pool"/> to be filled (<see cref="Writable"/>), with one reference.</summary>
    public static PooledFrame Rent(ArrayPool<byte> pool, int length) => new(pool, pool.Rent(length), length);

    /// <summary>The frame's bytes, to fill it.</summary>
    /// <exception cref="ObjectDisposedException">The frame went back to the pool.</exception>
    public Span<byte> Writable => new(Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(PooledFrame), "the response frame went back to the pool"), 0, _length);

    /// <summary>The frame's length in bytes.</summary>
    public int Length => _length;

    /// <summary>
    /// The frame as a sequence to lend for the length of a call; whoever keeps it takes a reference of its own
    /// with <see cref="Keep"/>, which finds the frame behind the sequence.
    /// </summary>
    public ReadOnlySequence<byte> Lend()
    {
        var segment = new Lent(this);
        return new ReadOnlySequence<byte>(segment, 0, segment, _length);
    }

    /// <summary>The frame's bytes.</summary>
    /// <exception cref="ObjectDisposedException">The frame went back to the pool.</exception>
    public ReadOnlyMemory<byte> Memory => new(Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(PooledFrame), "the response frame went back to the pool"), 0, _length);

    /// <summary>Whether the array went back to the pool.</summary>
    public bool IsReturned => Volatile.Read(ref _array) is null;

    /// <summary>One more holder of slices of the frame; each calls <see cref="Release"/> once.</summary>
    /// <exception cref="InvalidOperationException">The frame went back to the pool already.</exception>
    public void AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1)
        {
            throw new InvalidOperationException("a response frame was referenced after it went back to the pool");
        }
    }

    // The one segment of a lent frame's sequence: how Keep finds the frame.
    private sealed class Lent : ReadOnlySequenceSegment<byte>
    {
        public Lent(PooledFrame frame)
        {
            Frame = frame;
            Memory = frame.Memory;
        }

        public PooledFrame Frame { get; }
    }

    /// <summary>Drops one reference; the last gives the array back to the pool.</summary>
    /// <exception cref="InvalidOperationException">Released more often than referenced (a bug: the array could be handed out twice).</exception>
    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            _pool.Return(Interlocked.Exchange(ref _array, null)!);
        }
        else if (left < 0)
        {
            throw new InvalidOperationException("a response frame was released more often than it was referenced");
        }
    }
}
