using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace RxKafka.Reactive;

/// <summary>
/// Runs work one piece at a time, in the order it was posted, never two at once: the serial executor of a
/// connection or an engine's per-broker sink. Each pass runs what was posted, then the drain given to the
/// constructor (a sink takes what is ready); a <see cref="Signal"/> during a pass makes one more pass, so
/// no wake-up is lost and a thousand signals cost one pass.
/// </summary>
/// <remarks>
/// Under a real-time scheduler the passes run on the thread pool, never on the thread that signalled: a
/// caller of <c>Send</c> or a connection's read loop only hands work over. Under a virtual-time scheduler
/// (a TestScheduler) they run inline, on the signalling thread, so a test sees their effect at the virtual
/// time of the signal. Any other scheduler (an EventLoopScheduler, say) gets the passes scheduled on it.
/// A <see cref="Trampoline"/> always runs inline: it is how an Rx operator emits outside its gate.
/// </remarks>
internal sealed class SerialExecutor : IThreadPoolWorkItem
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int RunAgain = 2;

    private readonly ConcurrentQueue<(Action<object?> Action, object? State)> _posted = new();
    private readonly Action? _drain;
    private readonly Action<Exception>? _onError;
    private readonly IScheduler _scheduler;
    private readonly Mode _mode;
    private readonly bool _rethrow;
    private int _state;

    /// <param name="scheduler">Decides where passes run (see the remarks).</param>
    /// <param name="drain">Runs at the end of every pass, after the posted work; null for none.</param>
    /// <param name="onError">Hears an exception that posted work or the drain threw (the pass goes on); null to ignore it.</param>
    public SerialExecutor(IScheduler scheduler, Action? drain = null, Action<Exception>? onError = null)
    {
        _scheduler = scheduler;
        _drain = drain;
        _onError = onError;
        _mode = IsVirtualTime(scheduler) ? Mode.Inline
            : scheduler is DefaultScheduler or TaskPoolScheduler or ThreadPoolScheduler ? Mode.ThreadPool
            : Mode.Scheduler;
    }

    // A trampoline: see Trampoline.
    private SerialExecutor(Action drain)
    {
        _scheduler = ImmediateScheduler.Instance;
        _drain = drain;
        _mode = Mode.Inline;
        _rethrow = true;
    }

    private enum Mode
    {
        Inline,
        ThreadPool,
        Scheduler,
    }

    /// <summary>
    /// An executor whose passes always run on the signalling thread, one thread at a time: a signal while
    /// a pass runs (from another thread, or from within the pass) only makes the running pass go again. It
    /// is the shape of an Rx operator that decides under its gate and emits outside it, in order: the gate
    /// is never held while an observer runs, and no emission overtakes another. An exception from
    /// <paramref name="drain"/> reaches the thread that ran it, as an observer's exception does in Rx; the
    /// executor is idle again then, and what was left is emitted at the next signal.
    /// </summary>
    /// <param name="drain">Emits what is waiting; runs once per pass.</param>
    public static SerialExecutor Trampoline(Action drain) => new(drain);

    /// <summary>Whether passes run inline on the signalling thread (virtual time, or a trampoline).</summary>
    public bool IsInline => _mode == Mode.Inline;

    /// <summary>Runs <paramref name="action"/> with <paramref name="state"/> after everything posted before it.</summary>
    public void Post(Action<object?> action, object? state)
    {
        _posted.Enqueue((action, state));
        Signal();
    }

    /// <summary>Asks for a pass: one starts if none runs, else the running one makes one more.</summary>
    public void Signal() => Ask(here: false);

    /// <summary>
    /// <see cref="Signal()"/>, but a pass that has to start runs on this thread when passes run on the thread
    /// pool: for callers that are themselves library work on a pool thread (a producer sink's pass handing a
    /// request to its connection's writer), which saves a hand-off. Never for a user's thread or a reader.
    /// </summary>
    public void SignalHere() => Ask(here: true);

    private void Ask(bool here)
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case RunAgain:
                    return;
                case Running:
                    if (Interlocked.CompareExchange(ref _state, RunAgain, Running) == Running)
                    {
                        return;
                    }

                    break;
                default:
                    if (Interlocked.CompareExchange(ref _state, Running, Idle) == Idle)
                    {
                        if (here && _mode == Mode.ThreadPool)
                        {
                            Run();
                        }
                        else
                        {
                            Start();
                        }

                        return;
                    }

                    break;
            }
        }
    }

    /// <inheritdoc/>
    void IThreadPoolWorkItem.Execute() => Run();

    private void Start()
    {
        switch (_mode)
        {
            case Mode.Inline:
                Run();
                break;
            case Mode.ThreadPool:
                // From a pool thread, its own queue: when that thread's work ends (typically at an await),
                // it runs the pass itself, with no other thread to wake; an idle worker steals it sooner.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: Thread.CurrentThread.IsThreadPoolThread);
                break;
            default:
                _scheduler.Schedule(this, static (_, executor) =>
                {
                    executor.Run();
                    return Disposable.Empty;
                });
                break;
        }
    }

    private void Run()
    {
        if (!_rethrow)
        {
            RunPasses();
            return;
        }

        try
        {
            RunPasses();
        }
        catch
        {
            // Released before the exception leaves, so the next signal starts a pass again.
            Volatile.Write(ref _state, Idle);
            throw;
        }
    }

    private void RunPasses()
    {
        while (true)
        {
            // Signals from here on ask for another pass; those before it are served by this one.
            Volatile.Write(ref _state, Running);
            while (_posted.TryDequeue(out var work))
            {
                Invoke(work.Action, work.State);
            }

            if (_drain is { } drain)
            {
                Invoke(static d => ((Action)d!)(), drain);
            }

            if (Interlocked.CompareExchange(ref _state, Idle, Running) == Running)
            {
                return;
            }
        }
    }

    private void Invoke(Action<object?> action, object? state)
    {
        if (_rethrow)
        {
            action(state);
            return;
        }

        try
        {
            action(state);
        }
        catch (Exception e)
        {
            // One failing piece of work must not stop the executor (nor, on the thread pool, the process).
            _onError?.Invoke(e);
        }
    }

    /// <summary>Whether <paramref name="scheduler"/> keeps virtual time (a TestScheduler or another VirtualTimeSchedulerBase).</summary>
    internal static bool IsVirtualTime(IScheduler scheduler)
    {
        for (var type = scheduler.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VirtualTimeSchedulerBase<,>))
            {
                return true;
            }
        }

        return false;
    }
}
