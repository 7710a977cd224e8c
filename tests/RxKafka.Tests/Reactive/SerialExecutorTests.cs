using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using RxKafka.Reactive;

namespace RxKafka.Tests.Reactive;

/// <summary>
/// The serial executor under a sink, a connection and (as a trampoline) the operators that emit outside
/// their gate: one pass at a time, posted work in order, no signal lost; inline in virtual time, on the
/// thread pool otherwise, never on the signalling thread unless it is a trampoline.
/// </summary>
public sealed class SerialExecutorTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    [Fact]
    public void Under_a_TestScheduler_a_pass_runs_inline_on_the_signalling_thread()
    {
        var passes = new List<int>();
        var executor = new SerialExecutor(new TestScheduler(), () => passes.Add(Environment.CurrentManagedThreadId));

        executor.Signal();

        Assert.True(executor.IsInline);
        Assert.Equal([Environment.CurrentManagedThreadId], passes);
    }

    [Fact]
    public void A_signal_during_a_pass_makes_exactly_one_more_pass_and_no_nested_one()
    {
        var depth = 0;
        var passes = 0;
        SerialExecutor? executor = null;
        executor = new SerialExecutor(new TestScheduler(), () =>
        {
            Assert.Equal(1, Interlocked.Increment(ref depth));
            if (++passes == 1)
            {
                // Three wake-ups while the first pass runs: one more pass, after this one.
                executor!.Signal();
                executor.Signal();
                executor.Signal();
            }

            Interlocked.Decrement(ref depth);
        });

        executor.Signal();

        Assert.Equal(2, passes);
    }

    [Fact]
    public async Task Under_a_real_scheduler_passes_run_on_the_thread_pool_not_on_the_caller()
    {
        var ran = new TaskCompletionSource<(int Thread, bool Pool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new SerialExecutor(DefaultScheduler.Instance, () => ran.TrySetResult((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)));
        var caller = new Thread(() => executor.Signal());

        caller.Start();
        caller.Join();
        var (thread, pool) = await ran.Task.WaitAsync(Budget, TestContext.Current.CancellationToken);

        Assert.NotEqual(caller.ManagedThreadId, thread);
        Assert.True(pool);
    }

    [Fact]
    public async Task SignalHere_runs_an_idle_pass_on_the_calling_pool_thread_and_only_asks_a_running_one_for_another()
    {
        var passes = new ConcurrentQueue<int>();
        var inPass = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var first = false; // the pass that blocks, in the second half
        var executor = new SerialExecutor(DefaultScheduler.Instance, () =>
        {
            passes.Enqueue(Environment.CurrentManagedThreadId);
            if (first)
            {
                first = false;
                inPass.Set();
                release.Wait(Budget, TestContext.Current.CancellationToken);
            }
        });

        // Idle: the pass runs on the caller (a pool thread, as a sink's pass or a timer is).
        var caller = await Task.Run(
            () =>
            {
                executor.SignalHere();
                return Environment.CurrentManagedThreadId;
            },
            TestContext.Current.CancellationToken).WaitAsync(Budget, TestContext.Current.CancellationToken);
        Assert.Equal([caller], passes);

        // Running: SignalHere returns at once and the running pass makes one more, on its own thread.
        passes.Clear();
        first = true;
        var running = Task.Run(executor.SignalHere, TestContext.Current.CancellationToken);
        Assert.True(inPass.Wait(Budget, TestContext.Current.CancellationToken));
        var returned = Task.Run(executor.SignalHere, TestContext.Current.CancellationToken);
        await returned.WaitAsync(Budget, TestContext.Current.CancellationToken);
        Assert.Single(passes);
        release.Set();
        await running.WaitAsync(Budget, TestContext.Current.CancellationToken);
        Assert.Equal(2, passes.Count);
        Assert.Single(passes.Distinct());
    }

    [Fact]
    public async Task Work_posted_from_8_threads_runs_one_at_a_time_each_once_and_in_each_threads_order()
    {
        const int Threads = 8;
        const int PerThread = 20_000;
        var running = 0;
        var overlaps = 0;
        var seen = new ConcurrentQueue<(int Thread, int Index)>();
        var done = new CountdownEvent(Threads * PerThread);
        var executor = new SerialExecutor(DefaultScheduler.Instance);

        var posters = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    executor.Post(
                        state =>
                        {
                            if (Interlocked.Increment(ref running) > 1)
                            {
                                Interlocked.Increment(ref overlaps);
                            }

                            seen.Enqueue(((int Thread, int Index))state!);
                            Interlocked.Decrement(ref running);
                            done.Signal();
                        },
                        (t, i));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(posters).WaitAsync(Budget, TestContext.Current.CancellationToken);

        Assert.True(done.Wait(Budget, TestContext.Current.CancellationToken), $"{done.CurrentCount} posted item(s) never ran");
        Assert.Equal(0, overlaps);
        var next = new int[Threads];
        foreach (var (thread, index) in seen)
        {
            Assert.Equal(next[thread]++, index);
        }

        Assert.All(next, n => Assert.Equal(PerThread, n));
    }

    [Fact]
    public async Task Work_that_throws_is_reported_and_the_executor_goes_on()
    {
        var errors = new ConcurrentQueue<Exception>();
        var after = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new SerialExecutor(DefaultScheduler.Instance, onError: errors.Enqueue);

        executor.Post(_ => throw new InvalidOperationException("a callback failed"), null);
        executor.Post(_ => after.TrySetResult(), null);

        await after.Task.WaitAsync(Budget, TestContext.Current.CancellationToken);
        Assert.Equal("a callback failed", Assert.Single(errors).Message);
    }

    [Fact]
    public async Task A_trampoline_runs_its_pass_on_the_signalling_thread_even_under_a_real_scheduler()
    {
        var threads = new ConcurrentQueue<int>();
        var executor = SerialExecutor.Trampoline(() => threads.Enqueue(Environment.CurrentManagedThreadId));
        var callerThread = 0;
        var caller = new Thread(() =>
        {
            callerThread = Environment.CurrentManagedThreadId;
            executor.Signal();
        });

        caller.Start();
        await Task.Run(caller.Join, TestContext.Current.CancellationToken).WaitAsync(Budget, TestContext.Current.CancellationToken);

        Assert.True(executor.IsInline);
        Assert.Equal([callerThread], threads);
    }

    [Fact]
    public void A_trampoline_signalled_from_its_own_pass_goes_again_instead_of_nesting()
    {
        var depth = 0;
        var emitted = new List<int>();
        var waiting = new Queue<int>([1]);
        SerialExecutor? executor = null;
        executor = SerialExecutor.Trampoline(() =>
        {
            Assert.Equal(1, ++depth);
            while (waiting.TryDequeue(out var item))
            {
                emitted.Add(item);
                if (item < 3)
                {
                    // What an emission sets off queues behind it, as an observer that sends again would.
                    waiting.Enqueue(item + 1);
                    executor!.Signal();
                }
            }

            depth--;
        });

        executor.Signal();

        Assert.Equal([1, 2, 3], emitted);
    }

    [Fact]
    public void An_exception_from_a_trampoline_reaches_the_signalling_thread_and_the_next_signal_runs_again()
    {
        var passes = 0;
        var executor = SerialExecutor.Trampoline(() =>
        {
            if (++passes == 1)
            {
                throw new InvalidOperationException("an observer failed");
            }
        });

        var error = Assert.Throws<InvalidOperationException>(executor.Signal);
        executor.Signal();

        Assert.Equal("an observer failed", error.Message);
        Assert.Equal(2, passes);
    }

    [Fact]
    public async Task A_trampoline_signalled_from_8_threads_never_runs_two_passes_at_once_and_loses_no_signal()
    {
        const int Threads = 8, PerThread = 20_000;
        var waiting = new ConcurrentQueue<int>();
        var inside = 0;
        var overlaps = 0;
        var emitted = 0;
        var executor = SerialExecutor.Trampoline(() =>
        {
            if (Interlocked.Increment(ref inside) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            while (waiting.TryDequeue(out _))
            {
                emitted++;
            }

            Interlocked.Decrement(ref inside);
        });
        using var start = new Barrier(Threads);

        var senders = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                for (var i = 0; i < PerThread; i++)
                {
                    waiting.Enqueue(i);
                    executor.Signal();
                }
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(senders).WaitAsync(Budget, TestContext.Current.CancellationToken);

        // Every item was enqueued before its signal, and a signal during a pass makes one more: none is left.
        Assert.Equal(0, overlaps);
        Assert.Empty(waiting);
        Assert.Equal(Threads * PerThread, emitted);
    }
}
