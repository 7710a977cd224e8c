using System.Threading.Channels;
using Microsoft.Reactive.Testing;
using RxKafka.Cli.Commands;
using RxKafka.Consumer;

namespace RxKafka.Tests.Cli.Commands;

/// <summary>The reading loop of <c>rxkafka consume</c> in virtual time: --count, --idle-exit on the scheduler, a flush per batch.</summary>
public sealed class ConsumeLoopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly TestScheduler _scheduler = new();
    private readonly Channel<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>> _batches = Channel.CreateUnbounded<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>>();
    private readonly List<string> _events = [];
    private readonly SemaphoreSlim _flushed = new(0);

    [Fact]
    public async Task Idle_exit_stops_when_no_batch_arrives_for_that_long_of_scheduler_time()
    {
        var run = Run(count: null, idle: TimeSpan.FromSeconds(5), CancellationToken.None);

        await Send(0, 1);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(4.9).Ticks);
        await Send(2);
        // 4.9 s after the first batch, 4.9 s after the second: never 5 s without one.
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(4.9).Ticks);
        Assert.False(run.IsCompleted);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(0.1).Ticks);

        Assert.Equal((3L, ConsumeStop.Idle), await run.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(["0", "1", "flush", "2", "flush", "flush"], _events);
    }

    [Fact]
    public async Task Idle_exit_counts_from_the_start_when_nothing_ever_arrives()
    {
        var run = Run(count: null, idle: TimeSpan.FromSeconds(1), CancellationToken.None);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        Assert.Equal((0L, ConsumeStop.Idle), await run.WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Count_stops_in_the_middle_of_a_batch_and_flushes_what_was_written()
    {
        var run = Run(count: 3, idle: null, CancellationToken.None);

        await Send(0, 1);
        await Send(2, 3, 4);

        Assert.Equal((3L, ConsumeStop.Count), await run.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(["0", "1", "flush", "2", "flush"], _events);
    }

    [Fact]
    public async Task Without_count_or_idle_exit_only_the_token_stops_it_and_that_is_an_interruption()
    {
        using var ctrlC = new CancellationTokenSource();
        var run = Run(count: null, idle: null, ctrlC.Token);
        await Send(0);
        _scheduler.AdvanceBy(TimeSpan.FromHours(1).Ticks);
        Assert.False(run.IsCompleted);

        await ctrlC.CancelAsync();

        Assert.Equal((1L, ConsumeStop.Interrupted), await run.WaitAsync(Wait, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_consume_error_is_passed_on()
    {
        var run = Run(count: null, idle: TimeSpan.FromSeconds(1), CancellationToken.None);
        var error = new ConsumeException(new TopicPartitionOffset(new TopicPartition("t", 0), 5), ErrorCode.TopicAuthorizationFailed, "denied");

        _batches.Writer.Complete(error);

        Assert.Same(error, await Assert.ThrowsAsync<ConsumeException>(() => run.WaitAsync(Wait, TestContext.Current.CancellationToken)));
    }

    private Task<(long, ConsumeStop)> Run(long? count, TimeSpan? idle, CancellationToken cancellationToken) =>
        // Called here, not on another thread: the loop has armed its idle timer when this returns.
        ConsumeLoop.RunAsync(
            token => _batches.Reader.ReadAllAsync(token),
            r => { lock (_events) { _events.Add(r.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)); } },
            () =>
            {
                lock (_events)
                {
                    _events.Add("flush");
                }

                _flushed.Release();
            },
            count,
            idle,
            _scheduler,
            cancellationToken);

    /// <summary>Sends one batch and waits until the loop has flushed it (the loop runs on another thread; the scheduler must not move meanwhile).</summary>
    private async Task Send(params long[] offsets)
    {
        await _batches.Writer.WriteAsync([.. offsets.Select(o => new ConsumeResult<byte[]?, byte[]?> { TopicPartition = new("t", 0), Offset = o })], TestContext.Current.CancellationToken);
        Assert.True(await _flushed.WaitAsync(Wait, TestContext.Current.CancellationToken), "the loop did not write the batch");
    }
}
