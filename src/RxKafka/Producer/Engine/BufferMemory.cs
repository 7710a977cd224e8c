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

    public BufferMemory(long limit, TimeSpan maxBlock, IScheduler scheduler)
    {
        _limit = limit;
        _maxBlock = maxBlock;
        _scheduler = scheduler;
    }

    /// <summary>Bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Reserves <paramref name="bytes"/> if they fit now and nobody is waiting before us.</summary>
    public bool TryReserve(int bytes)
    {
        lock (_gate)
        {
            if (_waiters.Count > 0 || _used + bytes > _limit)
            {
                return false;
            }

            _used += bytes;
            return true;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>, waiting for memory; fails after max.block.ms with an error naming buffer.memory.</summary>
    public Task ReserveAsync(int bytes, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _used + bytes <= _limit)
            {
                _used += bytes;
                return Task.CompletedTask;
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        waiter.Timer = _scheduler.Schedule((Memory: this, Waiter: waiter), _maxBlock, static (_, s) =>
        {
            s.Memory.GiveUp(s.Waiter, new KafkaException(
                Protocol.ErrorCode.None,
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
        List<Waiter>? admitted = null;
        lock (_gate)
        {
            _used -= bytes;
            while (_waiters.First is { } first && _used + first.Value.Bytes <= _limit)
            {
                _waiters.RemoveFirst();
                _used += first.Value.Bytes;
                (admitted ??= new()).Add(first.Value);
            }
        }

        if (admitted is null)
        {
            return;
        }

        foreach (var waiter in admitted)
        {
            waiter.Timer?.Dispose();
            waiter.Cancellation.Dispose();
            waiter.TrySetResult();
        }
    }

    private void GiveUp(Waiter waiter, Exception error)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
        }

        waiter.Timer?.Dispose();
        waiter.Cancellation.Dispose();
        waiter.TrySetException(error);
    }

    private sealed class Waiter(int bytes) : TaskCompletionSource
    {
        public int Bytes { get; } = bytes;

        public LinkedListNode<Waiter>? Node { get; set; }

        public IDisposable? Timer { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
