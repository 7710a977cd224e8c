using System.Buffers;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// Hands out destination spans while keeping a decompressor within its output budget, so that a
/// small hostile input cannot make it write (or allocate) more than the caller allowed.
/// </summary>
internal struct OutputLimit
{
    /// <summary>How much a decompressor asks the destination for at a time.</summary>
    public const int ChunkSize = 64 * 1024;

    private readonly string _codec;
    private readonly int _max;
    private long _written;

    public OutputLimit(string codec, int maxOutputBytes)
    {
        _codec = codec;
        _max = maxOutputBytes;
        _written = 0;
    }

    /// <summary>The number of bytes written so far.</summary>
    public readonly long Written => _written;

    /// <summary>The number of bytes that may still be written.</summary>
    public readonly long Remaining => _max - _written;

    /// <summary>
    /// A span of at most <see cref="ChunkSize"/> bytes, and at most one byte more than the budget
    /// left: a decompressor that fills that extra byte has proved the output is too large.
    /// </summary>
    public readonly Span<byte> NextChunk(IBufferWriter<byte> destination)
    {
        int want = (int)Math.Min(ChunkSize, Remaining + 1);
        Span<byte> span = destination.GetSpan(want);
        return span.Length > want ? span[..want] : span;
    }

    /// <summary>Commits <paramref name="count"/> bytes; throws once the budget is exceeded.</summary>
    public void Advance(IBufferWriter<byte> destination, int count)
    {
        _written += count;
        if (_written > _max)
        {
            throw TooLarge(_codec, _max);
        }

        destination.Advance(count);
    }

    /// <summary>Throws unless <paramref name="count"/> more bytes fit in the budget.</summary>
    public readonly void EnsureRoom(long count)
    {
        if (count > Remaining)
        {
            throw TooLarge(_codec, _max);
        }
    }

    public static KafkaProtocolException TooLarge(string codec, int max)
        => new($"{codec} data decompresses to more than the limit of {max} bytes (decompression bomb guard); "
            + "if the batch is genuine, raise the fetch size limit");
}
