using System.Buffers;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace RxKafka.Serialization;

/// <summary>
/// An <see cref="ISerializer{T}"/> seen as an <see cref="IAsyncSerializer{T}"/>: it serializes into a
/// fresh array, inline or as work on a scheduler (to keep CPU-heavy serialization off the caller, I4).
/// </summary>
internal sealed class AsyncSerializerAdapter<T>(ISerializer<T> serializer, IScheduler? scheduler) : IAsyncSerializer<T>
{
    public ValueTask<ReadOnlyMemory<byte>?> SerializeAsync(T value, SerializationContext context, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ReadOnlyMemory<byte>?>(cancellationToken);
        }

        if (scheduler is null)
        {
            try
            {
                return new(SerializeNow(value, context));
            }
            catch (Exception e)
            {
                return ValueTask.FromException<ReadOnlyMemory<byte>?>(e);
            }
        }

        var pending = new Pending(this, value, context, cancellationToken);
        pending.Start(scheduler);
        return new(pending.Task);
    }

    private ReadOnlyMemory<byte>? SerializeNow(T value, in SerializationContext context)
    {
        if (serializer.IsNull(value))
        {
            return null;
        }

        var output = new ArrayBufferWriter<byte>();
        serializer.Serialize(value, output, context);
        return output.WrittenMemory;
    }

    /// <summary>One serialization queued on the scheduler; cancelling the token unqueues it.</summary>
    private sealed class Pending(AsyncSerializerAdapter<T> owner, T value, SerializationContext context, CancellationToken cancellationToken)
        : TaskCompletionSource<ReadOnlyMemory<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private readonly SingleAssignmentDisposable _scheduled = new();
        private CancellationTokenRegistration _cancellation;

        public void Start(IScheduler scheduler)
        {
            // Registered first, so a cancellation that wins the race finds the work to unqueue (or unqueues it as it is assigned).
            _cancellation = cancellationToken.Register(static state =>
            {
                var self = (Pending)state!;
                self._scheduled.Dispose();
                self.TrySetCanceled(self.Token);
            }, this);
            _scheduled.Disposable = scheduler.Schedule(this, static (_, self) =>
            {
                self.Run();
                return Disposable.Empty;
            });
        }

        private CancellationToken Token => cancellationToken;

        private void Run()
        {
            try
            {
                TrySetResult(owner.SerializeNow(value, context));
            }
            catch (Exception e)
            {
                TrySetException(e);
            }
            finally
            {
                _cancellation.Dispose();
            }
        }
    }
}
