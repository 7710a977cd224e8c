using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxKafka.Consumer;

namespace RxKafka.Cli.Commands;

/// <summary>Why <c>rxkafka consume</c> stopped reading.</summary>
internal enum ConsumeStop
{
    /// <summary><c>--count</c> records were read.</summary>
    Count,

    /// <summary>Nothing arrived for <c>--idle-exit</c>.</summary>
    Idle,

    /// <summary>Ctrl+C (the command's token).</summary>
    Interrupted,
}

/// <summary>
/// The reading loop of <c>rxkafka consume</c>, apart from the consumer so it runs in virtual time in
/// tests: takes batches, hands each record to the writer, flushes after each batch (a terminal or a
/// pipe sees records as they arrive without a write per record), and stops at <c>--count</c>, at
/// <c>--idle-exit</c> (a timer on the scheduler, re-armed after each batch) or at Ctrl+C.
/// </summary>
internal static class ConsumeLoop
{
    /// <summary>Reads until a stop; returns how many records were written and why it stopped.</summary>
    /// <param name="batches">The consumer's batch face, given the token that ends it.</param>
    /// <param name="write">Writes one record.</param>
    /// <param name="flush">Hands what was written on.</param>
    /// <param name="count">Stop after this many records; null: no limit.</param>
    /// <param name="idleExit">Stop when no batch arrives for this long; null: never.</param>
    /// <param name="scheduler">The clock of the idle timer.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <exception cref="ConsumeException">A partition or record could not be read (the consumer's error, passed on).</exception>
    public static async Task<(long Records, ConsumeStop Stop)> RunAsync(
        Func<CancellationToken, IAsyncEnumerable<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>>> batches,
        Action<ConsumeResult<byte[]?, byte[]?>> write,
        Action flush,
        long? count,
        TimeSpan? idleExit,
        IScheduler scheduler,
        CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        using var timer = new SerialDisposable();
        void Arm()
        {
            if (idleExit is { } due)
            {
                timer.Disposable = scheduler.Schedule(idle, due, static (_, source) =>
                {
                    source.Cancel();
                    return Disposable.Empty;
                });
            }
        }

        var written = 0L;
        if (count == 0)
        {
            return (0, ConsumeStop.Count);
        }

        Arm();
        try
        {
            await foreach (var batch in batches(linked.Token).ConfigureAwait(false))
            {
                // Stopped while writing (so not idle): the time it takes to write a batch is not a gap between batches.
                timer.Disposable = Disposable.Empty;
                foreach (var record in batch)
                {
                    write(record);
                    if (++written == count)
                    {
                        flush();
                        return (written, ConsumeStop.Count);
                    }
                }

                flush();
                Arm();
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            flush();
            return (written, idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested ? ConsumeStop.Idle : ConsumeStop.Interrupted);
        }

        // The batches ended on their own (the consumer was disposed): as good as interrupted.
        flush();
        return (written, ConsumeStop.Interrupted);
    }
}
