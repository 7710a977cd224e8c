using System.Buffers;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// An array pool for tests that catches a read after return: every array it gets back is overwritten with
/// <see cref="Poison"/> at once (a slice still read after that reads poison, and a CRC check or a value
/// comparison fails), and it counts what is rented and returned, refusing a second return of one array.
/// </summary>
internal sealed class PoisoningArrayPool : ArrayPool<byte>
{
    public const byte Poison = 0xEE;
    private readonly HashSet<byte[]> _outstanding = new(ReferenceEqualityComparer.Instance);
    private readonly object _gate = new();

    public int Rented { get; private set; }

    public int Returned { get; private set; }

    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _outstanding.Count;
            }
        }
    }

    public override byte[] Rent(int minimumLength)
    {
        var array = new byte[minimumLength];
        lock (_gate)
        {
            _outstanding.Add(array);
            Rented++;
        }

        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        lock (_gate)
        {
            if (!_outstanding.Remove(array))
            {
                throw new InvalidOperationException("an array was returned that is not rented from this pool (a second return?)");
            }

            Returned++;
        }

        array.AsSpan().Fill(Poison);
    }
}
