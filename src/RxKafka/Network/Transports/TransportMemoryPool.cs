using System.Buffers;

namespace RxKafka.Network.Transports;

/// <summary>
/// The buffers socket transports read into and write from. The shared array pool keeps only a few
/// arrays of a size per core; a producer writing megabyte requests on several connections needs
/// far more at once, and without a pool of its own every one of them would be garbage.
/// </summary>
internal sealed class TransportMemoryPool : MemoryPool<byte>
{
    private const int Largest = 1024 * 1024;

    private readonly ArrayPool<byte> _arrays = ArrayPool<byte>.Create(Largest, maxArraysPerBucket: 256);

    private TransportMemoryPool()
    {
    }

    public static TransportMemoryPool Instance { get; } = new();

    public override int MaxBufferSize => Largest;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Owner(_arrays, _arrays.Rent(minBufferSize <= 0 ? 4096 : minBufferSize));

    protected override void Dispose(bool disposing)
    {
        // Process-wide: never disposed.
    }

    private sealed class Owner(ArrayPool<byte> arrays, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Owner));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned)
            {
                arrays.Return(returned);
            }
        }
    }
}
