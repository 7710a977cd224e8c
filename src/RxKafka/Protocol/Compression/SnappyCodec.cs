using System.Buffers;
using System.Buffers.Binary;
using Snappier;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// Snappy as Kafka carries it. Writes the xerial (snappy-java <c>SnappyOutputStream</c>) framing:
/// a 16-byte header (magic 0x82 "SNAPPY" 0x00, version 1, compatible version 1), then blocks of
/// [int32 big-endian compressed length][raw snappy block], each holding up to 32 KiB of input.
/// Reads that framing when the magic is there, otherwise the whole input as one raw block
/// (what snappy-java and librdkafka accept too). Raw blocks go through Snappier (a managed port of
/// Google's snappy); the xerial framing is ours, as Snappier knows only snappy's own framing format.
/// </summary>
internal static class SnappyCodec
{
    /// <summary>snappy-java's default block size.</summary>
    public const int XerialBlockSize = 32 * 1024;

    public const int XerialHeaderSize = 16;

    /// <summary>0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, then version 1 and compatible version 1 (big-endian int32s).</summary>
    public static ReadOnlySpan<byte> XerialHeader =>
    [
        0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0x00,
        0, 0, 0, 1,
        0, 0, 0, 1,
    ];

    private const int XerialMagicSize = 8;

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        XerialHeader.CopyTo(destination.GetSpan(XerialHeaderSize));
        destination.Advance(XerialHeaderSize);
        int maxBlock = 4 + Snappy.GetMaxCompressedLength(XerialBlockSize);
        for (int start = 0; start < source.Length; start += XerialBlockSize)
        {
            ReadOnlySpan<byte> block = source.Slice(start, Math.Min(XerialBlockSize, source.Length - start));
            Span<byte> span = destination.GetSpan(maxBlock);
            int length = Snappy.Compress(block, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, length);
            destination.Advance(4 + length);
        }
    }

    /// <summary>Compresses into one raw snappy block (no framing), as librdkafka does.</summary>
    public static void CompressRaw(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        Span<byte> span = destination.GetSpan(Snappy.GetMaxCompressedLength(source.Length));
        destination.Advance(Snappy.Compress(source, span));
    }

    public static bool IsXerialFramed(ReadOnlySpan<byte> source)
        => source.Length >= XerialMagicSize && source[..XerialMagicSize].SequenceEqual(XerialHeader[..XerialMagicSize]);

    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes)
    {
        var limit = new OutputLimit("snappy", maxOutputBytes);
        if (!IsXerialFramed(source))
        {
            DecompressBlock(source, destination, ref limit);
            return;
        }

        if (source.Length < XerialHeaderSize)
        {
            throw Corrupt($"the xerial header is truncated ({source.Length} of {XerialHeaderSize} bytes)");
        }

        int position = XerialHeaderSize;
        while (position < source.Length)
        {
            if (source.Length - position < 4)
            {
                throw Corrupt($"a xerial block length is truncated at offset {position}");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(source[position..]);
            position += 4;
            if (length < 0 || length > source.Length - position)
            {
                throw Corrupt($"a xerial block at offset {position - 4} declares {length} bytes but {source.Length - position} remain");
            }

            DecompressBlock(source.Slice(position, length), destination, ref limit);
            position += length;
        }
    }

    private static void DecompressBlock(ReadOnlySpan<byte> block, IBufferWriter<byte> destination, ref OutputLimit limit)
    {
        int length = ReadUncompressedLength(block, ref limit, out int header);
        if (length == 0)
        {
            if (block.Length != header)
            {
                throw Corrupt("a block declared empty has elements");
            }

            return;
        }

        Span<byte> output = destination.GetSpan(length)[..length];
        int written;
        try
        {
            written = Snappy.Decompress(block, output);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new KafkaProtocolException($"snappy-compressed data is corrupt: {e.Message}", e);
        }

        if (written != length)
        {
            throw Corrupt($"decoded {written} bytes but the block declares {length}");
        }

        limit.Advance(destination, length);
    }

    /// <summary>The most bytes one compressed byte can stand for: a 3-byte copy element produces up to 64.</summary>
    private const int MaxExpansion = 64 / 3 + 1;

    /// <summary>
    /// The uncompressed length a raw block starts with (a little-endian base-128 varint), checked
    /// against what the block's size can hold and the output budget before anything is allocated for
    /// it: the decompression bomb guard, which Snappier (it trusts the length) leaves to the caller.
    /// </summary>
    internal static int ReadUncompressedLength(ReadOnlySpan<byte> block, ref OutputLimit limit, out int headerLength)
    {
        uint value = 0;
        int i = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (i >= block.Length)
            {
                throw Corrupt(block.Length == 0 ? "the block is empty (no uncompressed length)" : "the uncompressed length varint is truncated");
            }

            byte b = block[i++];
            if (shift == 28 && b > 0x0F)
            {
                throw Corrupt("the uncompressed length varint is longer than 32 bits");
            }

            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        headerLength = i;
        long bodyLength = block.Length - i;
        if (value > bodyLength * MaxExpansion)
        {
            throw Corrupt($"the block declares {value} uncompressed bytes, more than its {bodyLength} compressed bytes can hold");
        }

        limit.EnsureRoom(value);
        return (int)value;
    }

    private static KafkaProtocolException Corrupt(string what) => new($"snappy-compressed data is corrupt: {what}");
}
