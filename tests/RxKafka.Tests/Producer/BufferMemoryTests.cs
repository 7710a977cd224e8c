#pragma warning disable xUnit1031

using Microsoft.Reactive.Testing;
using RxKafka.Producer.Engine;

namespace RxKafka.Tests.Producer;

/// <summary>buffer.memory: reservations, the line of waiters, max.block.ms, and no lost wake-ups under contention.</summary>
public sealed class BufferMemoryTests
{
    private static readonly TimeSpan MaxBlock = TimeSpan.FromSeconds(60);
    private readonly TestScheduler _scheduler = new();

    [Fact]
    public void TryReserve_takes_what_fits_and_refuses_past_the_limit_or_behind_a_waiter()
    {
        var memory = new BufferMemory(100, MaxBlock, _scheduler);
        Assert.True(memory.TryReserve(60));
        Assert.False(memory.TryReserve(41));
        Assert.True(memory.TryReserve(40));
        Assert.Equal(100, memory.Used);

        memory.Release(50);
        var waiting = memory.ReserveAsync(80, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        Assert.False(memory.TryReserve(10), "a record that fits must not overtake one that waits");

        memory.Release(50);
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(80, memory.Used);
    }

    [Fact]
    public void Waiters_are_let_in_first_come_first_served_as_memory_comes_back()
    {
        var memory = new BufferMemory(100, MaxBlock, _scheduler);
        Assert.True(memory.TryReserve(100));
        var big = memory.ReserveAsync(60, CancellationToken.None);
        var small = memory.ReserveAsync(20, CancellationToken.None);

        memory.Release(30);
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted); // it would fit, but it is behind the big one

        memory.Release(50);
        Assert.True(big.IsCompletedSuccessfully);
        Assert.True(small.IsCompletedSuccessfully);
        Assert.Equal(100, memory.Used);
    }

    [Fact]
    public void A_waiter_that_gives_up_at_max_block_lets_those_behind_it_in()
    {
        var memory = new BufferMemory(100, TimeSpan.FromSeconds(1), _scheduler);
        Assert.True(memory.TryReserve(90));
        var big = memory.ReserveAsync(50, CancellationToken.None);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500).Ticks);
        var small = memory.ReserveAsync(10, CancellationToken.None);
        Assert.False(small.IsCompleted);

        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500).Ticks);
        var error = Assert.IsType<KafkaException>(big.Exception!.InnerException);
        Assert.Contains("max.block.ms (1000 ms)", error.Message);
        Assert.Contains("buffer.memory (100 bytes)", error.Message);
        Assert.True(small.IsCompletedSuccessfully);
        Assert.Equal(100, memory.Used);
    }

    [Fact]
    public void A_cancelled_waiter_leaves_the_line_and_keeps_nothing()
    {
        var memory = new BufferMemory(100, MaxBlock, _scheduler);
        Assert.True(memory.TryReserve(100));
        using var cancel = new CancellationTokenSource();
        var waiting = memory.ReserveAsync(10, cancel.Token);
        cancel.Cancel();
        Assert.True(waiting.IsCanceled || waiting.Exception?.InnerException is OperationCanceledException);

        memory.Release(100);
        Assert.Equal(0, memory.Used);
        Assert.True(memory.TryReserve(100));
    }

    [Fact]
    public async Task Under_contention_every_reservation_is_granted_once_and_every_byte_comes_back()
    {
        // Threads reserve (without a lock, or by waiting) and release at once; a lost wake-up leaves a
        // waiter hanging, a lost update leaves bytes counted.
        var memory = new BufferMemory(1_000, MaxBlock, _scheduler);
        var granted = 0;
        async Task Worker(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 20_000; i++)
            {
                var bytes = random.Next(1, 200);
                if (!memory.TryReserve(bytes))
                {
                    await memory.ReserveAsync(bytes, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                }

                Assert.InRange(memory.Used, bytes, 1_000);
                Interlocked.Increment(ref granted);
                memory.Release(bytes);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Max(4, Environment.ProcessorCount * 2)).Select(seed => Task.Run(() => Worker(seed))));
        Assert.Equal(Math.Max(4, Environment.ProcessorCount * 2) * 20_000, granted);
        Assert.Equal(0, memory.Used);
    }
}
