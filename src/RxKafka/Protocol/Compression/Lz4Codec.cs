using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;
using Lz4Block = K4os.Compression.LZ4.LZ4Codec;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// LZ4 frames shaped like Kafka's <c>KafkaLZ4BlockOutputStream</c>: 64 KiB independent blocks, no
/// block or content checksum, no content size. The blocks go through K4os.Compression.LZ4's block
/// API; the frame around them is ours (<see cref="Lz4FrameDecoder"/> reads any frame).
/// </summary>
/// <remarks>
/// Not K4os.Compression.LZ4.Streams, which has the frame format: its decoder rejects the header
/// checksum of magic 0 messages (KAFKA-3160) with no way to accept it, decodes the first frame and
/// ignores what follows, writes into an <see cref="IBufferWriter{T}"/> without an output bound (the
/// decompression bomb guard), and builds encoder or decoder objects and buffers per call, while the
/// producer compresses every batch. Kafka's frame is a 7-byte header, sized blocks and an end mark.
/// </remarks>
internal static class Lz4Codec
{
    internal const string Codec = "lz4";
    internal const uint FrameMagic = 0x184D2204;

    /// <summary>Set in a block's size word when the block is stored uncompressed.</summary>
    internal const uint StoredBlockFlag = 0x80000000;

    private const int HeaderSize = 7;
    private const int BlockSize = 64 * 1024;

    // The incompressibility sample (LooksIncompressible): 4 KiB, and a gain under 1/32 counts as none.
    private const int ProbeSize = 4 * 1024;
    private const int ProbeGain = 32;

    /// <summary>FLG: version 01, independent blocks, no block checksum, no content size, no content checksum.</summary>
    private const byte KafkaFlags = 0x60;

    /// <summary>BD: 64 KiB maximum block size.</summary>
    private const byte KafkaBlockDescriptor = 0x40;

    private static readonly byte KafkaHeaderChecksum = HeaderChecksum([KafkaFlags, KafkaBlockDescriptor]);

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        LZ4Level blockLevel = ToBlockLevel(level);
        Span<byte> header = destination.GetSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header, FrameMagic);
        header[4] = KafkaFlags;
        header[5] = KafkaBlockDescriptor;
        header[6] = KafkaHeaderChecksum;
        destination.Advance(HeaderSize);

        int maxBlock = 4 + Lz4Block.MaximumOutputSize(BlockSize);
        bool lastStored = true;
        for (int start = 0; start < source.Length; start += BlockSize)
        {
            ReadOnlySpan<byte> block = source.Slice(start, Math.Min(BlockSize, source.Length - start));
            Span<byte> span = destination.GetSpan(maxBlock);
            int length = lastStored && blockLevel == LZ4Level.L00_FAST && LooksIncompressible(block, span[4..])
                ? 0
                : Lz4Block.Encode(block, span[4..], blockLevel);
            lastStored = length <= 0 || length >= block.Length;
            if (lastStored)
            {
                // Incompressible: stored as is, as LZ4F does, so a block never grows.
                block.CopyTo(span[4..]);
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)block.Length | StoredBlockFlag);
                destination.Advance(4 + block.Length);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
                destination.Advance(4 + length);
            }
        }

        // The end mark: a block size of zero.
        destination.GetSpan(4)[..4].Clear();
        destination.Advance(4);
    }

    /// <summary>
    /// Whether a sample from the start of <paramref name="block"/> fails to shrink by <see cref="ProbeGain"/>
    /// or more, so the block is stored without trying the rest: K4os's fast compressor walks incompressible
    /// input several times slower than liblz4 did (its skip-ahead is less eager), and a producer of
    /// already-compressed or random values would pay that for nothing. Asked only for the first block of a
    /// frame and after a block that was stored, so compressible data pays for one sample per frame; a
    /// block whose start is noise but whose rest would compress is stored as is (valid, a little larger).
    /// </summary>
    private static bool LooksIncompressible(ReadOnlySpan<byte> block, Span<byte> scratch)
    {
        if (block.Length < 2 * ProbeSize)
        {
            return false;
        }

        int sampled = Lz4Block.Encode(block[..ProbeSize], scratch, LZ4Level.L00_FAST);
        return sampled <= 0 || sampled > ProbeSize - ProbeSize / ProbeGain;
    }

    /// <summary>
    /// Kafka's <c>compression.level</c> for LZ4 is LZ4F's: below 3 the fast compressor, 3-12 high
    /// compression, above 12 the same as 12 (K4os's levels are those numbers).
    /// </summary>
    private static LZ4Level ToBlockLevel(int? level)
    {
        int compressionLevel = level ?? 0;
        if (compressionLevel is < 0 or > 17)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "lz4 compression.level must be 1-17 (0 or null for the fast default)");
        }

        return compressionLevel < 3 ? LZ4Level.L00_FAST : (LZ4Level)Math.Min(compressionLevel, 12);
    }

    /// <summary>Decodes the frames of <paramref name="source"/> in turn.</summary>
    /// <param name="source">One or more LZ4 frames (skippable frames between them are skipped).</param>
    /// <param name="destination">Where the decompressed bytes are appended.</param>
    /// <param name="maxOutputBytes">The most bytes the output may have.</param>
    /// <param name="legacyHeaderChecksum">
    /// True for magic 0 messages: the header checksum is not checked, as Kafka before 0.10 computed it
    /// over the magic number too (KAFKA-3160), and Kafka's own reader skips it for them.
    /// </param>
    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes, bool legacyHeaderChecksum)
    {
        if (source.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(source) != FrameMagic)
        {
            throw Corrupt(source.Length < 4
                ? $"{source.Length} bytes is too short for an LZ4 frame"
                : $"bad frame magic 0x{BinaryPrimitives.ReadUInt32LittleEndian(source):X8} (expected 0x{FrameMagic:X8})");
        }

        var limit = new OutputLimit(Codec, maxOutputBytes);
        int position = 0;
        while (position < source.Length)
        {
            position = Lz4FrameDecoder.DecodeFrame(source, position, destination, ref limit, legacyHeaderChecksum);
        }
    }

    /// <summary>
    /// Where the header checksum byte of the frame starting at <paramref name="frame"/> is: after the
    /// 4-byte magic, FLG, BD, and the optional content size (FLG bit 3) and dictionary id (FLG bit 0).
    /// False when the frame is too short to hold it. The magic is not checked.
    /// </summary>
    internal static bool TryGetHeaderChecksumPosition(ReadOnlySpan<byte> frame, out int position)
    {
        position = 0;
        if (frame.Length < HeaderSize)
        {
            return false;
        }

        byte flags = frame[4];
        position = 4 + 2 + ((flags & 0x08) != 0 ? 8 : 0) + ((flags & 0x01) != 0 ? 4 : 0);
        return position < frame.Length;
    }

    /// <summary>The LZ4 frame header checksum of <paramref name="hashed"/>: the second byte of its XXH32.</summary>
    internal static byte HeaderChecksum(ReadOnlySpan<byte> hashed) => (byte)(XxHash32.HashToUInt32(hashed) >> 8);

    internal static KafkaProtocolException Corrupt(string what) => new($"lz4-compressed data is corrupt: {what}");
}
