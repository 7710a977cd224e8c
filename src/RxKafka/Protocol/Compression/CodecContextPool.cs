namespace RxKafka.Protocol.Compression;

/// <summary>
/// Keeps a few codec contexts (zstd's compressor and decompressor hold megabytes of tables and
/// windows) for reuse, so the producer, which compresses every batch, does not build one per call.
/// A context is used by one caller at a time: <see cref="Rent"/> takes it out of its slot, and
/// <see cref="Return"/> puts it back or disposes it when every slot is taken. At most one context per
/// core is kept, so memory stays bounded however many threads compress.
/// </summary>
/// <typeparam name="T">The context type.</typeparam>
internal sealed class CodecContextPool<T>
    where T : class, IDisposable
{
    private readonly T?[] _slots = new T?[Math.Max(2, Environment.ProcessorCount)];
    private readonly Func<T> _create;

    public CodecContextPool(Func<T> create) => _create = create;

    /// <summary>A context no other caller holds: a kept one, or a new one.</summary>
    public T Rent()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            T? context = Interlocked.Exchange(ref _slots[i], null);
            if (context is not null)
            {
                return context;
            }
        }

        return _create();
    }

    /// <summary>Keeps <paramref name="context"/> for the next caller, or disposes it when the pool is full.</summary>
    public void Return(T context)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _slots[i], context, null) is null)
            {
                return;
            }
        }

        context.Dispose();
    }
}
