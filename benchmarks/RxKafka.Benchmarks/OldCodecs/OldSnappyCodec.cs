// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Buffers;
using System.Buffers.Binary;
using OutputLimit = RxKafka.Protocol.Compression.OutputLimit;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// Snappy as Kafka carries it. Writes the xerial (snappy-java <c>SnappyOutputStream</c>) framing:
/// a 16-byte header (magic 0x82 "SNAPPY" 0x00, version 1, compatible version 1), then blocks of
/// [int32 big-endian compressed length][raw snappy block], each holding up to 32 KiB of input.
/// Reads that framing when the magic is there, otherwise the whole input as one raw block
/// (what snappy-java and librdkafka accept too).
/// </summary>
internal static class OldSnappyCodec
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
        int maxBlock = 4 + OldSnappyRaw.MaxCompressedLength(XerialBlockSize);
        for (int start = 0; start < source.Length; start += XerialBlockSize)
        {
            ReadOnlySpan<byte> block = source.Slice(start, Math.Min(XerialBlockSize, source.Length - start));
            Span<byte> span = destination.GetSpan(maxBlock);
            int length = OldSnappyRaw.Compress(block, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, length);
            destination.Advance(4 + length);
        }
    }

    /// <summary>Compresses into one raw snappy block (no framing), as librdkafka does.</summary>
    public static void CompressRaw(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        Span<byte> span = destination.GetSpan(OldSnappyRaw.MaxCompressedLength(source.Length));
        destination.Advance(OldSnappyRaw.Compress(source, span));
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
            throw OldSnappyRaw.Corrupt($"the xerial header is truncated ({source.Length} of {XerialHeaderSize} bytes)");
        }

        int position = XerialHeaderSize;
        while (position < source.Length)
        {
            if (source.Length - position < 4)
            {
                throw OldSnappyRaw.Corrupt($"a xerial block length is truncated at offset {position}");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(source[position..]);
            position += 4;
            if (length < 0 || length > source.Length - position)
            {
                throw OldSnappyRaw.Corrupt($"a xerial block at offset {position - 4} declares {length} bytes but {source.Length - position} remain");
            }

            DecompressBlock(source.Slice(position, length), destination, ref limit);
            position += length;
        }
    }

    private static void DecompressBlock(ReadOnlySpan<byte> block, IBufferWriter<byte> destination, ref OutputLimit limit)
    {
        int length = OldSnappyRaw.ReadUncompressedLength(block, limit.Remaining, (int)(limit.Written + limit.Remaining), out int header);
        if (length == 0)
        {
            if (block.Length != header)
            {
                throw OldSnappyRaw.Corrupt("a block declared empty has elements");
            }

            return;
        }

        Span<byte> output = destination.GetSpan(length)[..length];
        OldSnappyRaw.Decompress(block[header..], output);
        limit.Advance(destination, length);
    }
}
