using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace RxKafka.Producer.Engine;

/// <summary>
/// <c>buffer.memory</c>: bytes of records the producer may hold. A reservation that does not fit
/// waits, first come first served, until completed batches give memory back, or fails after
/// <c>max.block.ms</c> (timed on the scheduler).
/// </summary>
internal sealed class BufferMemory
{
    private readonly long _limit;
    private readonly TimeSpan _maxBlock;
    private readonly IScheduler _scheduler;
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _used;

    // How many wait (written under the gate, read without it by TryReserve and Release).
    private int _waiting;

    public BufferMemory(long limit, TimeSpan maxBlock, IScheduler scheduler)
    {
        _limit = limit;
        _maxBlock = maxBlock;
        _scheduler = scheduler;
    }

    /// <summary>Bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>
    /// Reserves <paramref name="bytes"/> if they fit now and nobody is waiting before us. Takes no lock
    /// (it runs once per record): a compare-and-swap on the bytes in use.
    /// </summary>
    public bool TryReserve(int bytes) => Volatile.Read(ref _waiting) == 0 && TryAdd(bytes);

    // Adds bytes to those in use unless that would pass the limit.
    private bool TryAdd(int bytes)
    {
        var used = Volatile.Read(ref _used);
        while (true)
        {
            if (used + bytes > _limit)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _used, used + bytes, used);
            if (seen == used)
            {
                return true;
            }

            used = seen;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>, waiting for memory; fails after max.block.ms with an error naming buffer.memory.</summary>
    public Task ReserveAsync(int bytes, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(bytes);
        List<Waiter>? admitted = null;
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryAdd(bytes))
            {
                return Task.CompletedTask;
            }

            waiter.Node = _waiters.AddLast(waiter);
            Volatile.Write(ref _waiting, _waiters.Count);

            // A Release that ran between the TryAdd above and the write of _waiting read no waiters
            // and admitted nobody: look again now that the line is published.
            Interlocked.MemoryBarrier();
            AdmitLocked(ref admitted);
        }

        if (admitted?.Contains(waiter) == true)
        {
            Complete(admitted);
            return Task.CompletedTask;
        }

        Complete(admitted);
        waiter.Timer = _scheduler.Schedule((Memory: this, Waiter: waiter), _maxBlock, static (_, s) =>
        {
            s.Memory.GiveUp(s.Waiter, new KafkaException(
                RxKafka.ErrorCode.None,
                $"could not reserve {s.Waiter.Bytes} bytes within max.block.ms ({s.Memory._maxBlock.TotalMilliseconds:0} ms): buffer.memory ({s.Memory._limit} bytes) is full; records are produced faster than the brokers take them"));
            return Disposable.Empty;
        });
        if (cancellationToken.CanBeCanceled)
        {
            waiter.Cancellation = cancellationToken.Register(() => GiveUp(waiter, new OperationCanceledException(cancellationToken)));
        }

        return waiter.Task;
    }

    /// <summary>Gives <paramref name="bytes"/> back and lets waiters in, in order.</summary>
    public void Release(int bytes)
    {
        Interlocked.Add(ref _used, -bytes);
        if (Volatile.Read(ref _waiting) == 0)
        {
            // Nobody waits; one who starts waiting after this read looks at the bytes again itself.
            return;
        }

        List<Waiter>? admitted = null;
        lock (_gate)
        {
            AdmitLocked(ref admitted);
        }

        Complete(admitted);
    }

    // Under the gate: takes the waiters at the head of the line that fit now, in order.
    private void AdmitLocked(ref List<Waiter>? admitted)
    {
        while (_waiters.First is { } first && TryAdd(first.Value.Bytes))
        {
            _waiters.RemoveFirst();
            first.Value.Node = null;
            (admitted ??= new()).Add(first.Value);
        }

        Volatile.Write(ref _waiting, _waiters.Count);
    }

    private static void Complete(List<Waiter>? admitted)
    {
        foreach (var waiter in admitted ?? [])
        {
            waiter.Timer?.Dispose();
            waiter.Cancellation.Dispose();
            waiter.TrySetResult();
        }
    }

    // A waiter's max.block.ms passed or its token was cancelled: it leaves the line (and those behind
    // it that fit now come in). Nothing happens when it was admitted already.
    private void GiveUp(Waiter waiter, Exception error)
    {
        List<Waiter>? admitted = null;
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
            waiter.Node = null;
            AdmitLocked(ref admitted);
        }

        waiter.Timer?.Dispose();
        waiter.Cancellation.Dispose();
        waiter.TrySetException(error);
        Complete(admitted);
    }

    private sealed class Waiter(int bytes) : TaskCompletionSource
    {
        public int Bytes { get; } = bytes;

        public LinkedListNode<Waiter>? Node { get; set; }

        public IDisposable? Timer { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
