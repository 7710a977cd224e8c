// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Buffers;
using System.Buffers.Binary;
using OutputLimit = RxKafka.Protocol.Compression.OutputLimit;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// LZ4 frames through liblz4, shaped like Kafka's <c>KafkaLZ4BlockOutputStream</c>: 64 KiB
/// independent blocks, no block or content checksum, no content size. Every call has its own
/// native context, freed before returning, so concurrent calls share nothing.
/// </summary>
internal static unsafe class OldLz4Codec
{
    private const string Codec = "lz4";
    private const uint FrameMagic = 0x184D2204;
    private const int BlockSizeMax64Kb = 4;
    private const int BlockIndependent = 1;

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        int compressionLevel = level ?? 0;
        if (compressionLevel is < 0 or > 17)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "lz4 compression.level must be 1-17 (0 or null for the fast default)");
        }

        OldLz4Native api = OldLz4Native.Api;
        var preferences = new OldLz4Native.Preferences
        {
            BlockSizeId = BlockSizeMax64Kb,
            BlockMode = BlockIndependent,
            CompressionLevel = compressionLevel,
        };
        nuint bound = api.CompressFrameBound((nuint)source.Length, &preferences);
        if (api.IsError(bound) != 0 || bound > int.MaxValue)
        {
            throw new ArgumentException($"lz4 cannot compress {source.Length} bytes in one frame", nameof(source));
        }

        Span<byte> output = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* src = source)
        fixed (byte* dst = output)
        {
            written = api.CompressFrame(dst, (nuint)output.Length, src, (nuint)source.Length, &preferences);
        }

        if (api.IsError(written) != 0)
        {
            throw new InvalidOperationException($"LZ4F_compressFrame failed: {api.ErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes, bool legacyHeaderChecksum)
    {
        if (source.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(source) != FrameMagic)
        {
            throw Corrupt(source.Length < 4
                ? $"{source.Length} bytes is too short for an LZ4 frame"
                : $"bad frame magic 0x{BinaryPrimitives.ReadUInt32LittleEndian(source):X8} (expected 0x{FrameMagic:X8})");
        }

        OldLz4Native api = OldLz4Native.Api;
        var limit = new OutputLimit(Codec, maxOutputBytes);
        IntPtr context;
        nuint created = api.CreateDecompressionContext(&context, OldLz4Native.Lz4fVersion);
        if (api.IsError(created) != 0)
        {
            throw new OutOfMemoryException($"LZ4F_createDecompressionContext failed: {api.ErrorName(created)}");
        }

        try
        {
            if (legacyHeaderChecksum)
            {
                // Feed a copy of the header with its checksum byte recomputed, then the rest as is.
                Span<byte> header = stackalloc byte[MaxHeaderSize];
                int headerLength = CopyHeaderWithFixedChecksum(source, header);
                nuint hint = Feed(api, context, header[..headerLength], destination, ref limit);
                Finish(api, context, source[headerLength..], destination, ref limit, hint);
            }
            else
            {
                Finish(api, context, source, destination, ref limit, hint: 1);
            }
        }
        finally
        {
            api.FreeDecompressionContext(context);
        }
    }

    /// <summary>Magic, FLG, BD, content size, dictionary id, header checksum.</summary>
    private const int MaxHeaderSize = 4 + 2 + 8 + 4 + 1;

    /// <summary>
    /// Copies the frame header of <paramref name="source"/> with the checksum byte set to
    /// (xxHash32(descriptor) &gt;&gt; 8) &amp; 0xFF. Kafka before message format v1 hashed the magic
    /// number as well (KAFKA-3160), which liblz4 rightly rejects.
    /// </summary>
    internal static int CopyHeaderWithFixedChecksum(ReadOnlySpan<byte> source, Span<byte> header)
    {
        if (!TryGetHeaderChecksumPosition(source, out int position))
        {
            throw Corrupt("the frame header is truncated");
        }

        int headerLength = position + 1;
        source[..headerLength].CopyTo(header);
        header[position] = HeaderChecksum(header[4..position]);
        return headerLength;
    }

    /// <summary>
    /// Where the header checksum byte of the frame starting at <paramref name="frame"/> is: after the
    /// 4-byte magic, FLG, BD, and the optional content size (FLG bit 3) and dictionary id (FLG bit 0).
    /// False when the frame is too short to hold it. The magic is not checked.
    /// </summary>
    internal static bool TryGetHeaderChecksumPosition(ReadOnlySpan<byte> frame, out int position)
    {
        position = 0;
        if (frame.Length < 7)
        {
            return false;
        }

        byte flags = frame[4];
        position = 4 + 2 + ((flags & 0x08) != 0 ? 8 : 0) + ((flags & 0x01) != 0 ? 4 : 0);
        return position < frame.Length;
    }

    /// <summary>The LZ4 frame header checksum of <paramref name="hashed"/>: the second byte of its xxHash32.</summary>
    internal static byte HeaderChecksum(ReadOnlySpan<byte> hashed) => (byte)((OldXxHash32.Hash(hashed) >> 8) & 0xFF);

    /// <summary>Feeds all of <paramref name="input"/>; the decoder must not call the frame complete before it is consumed.</summary>
    private static void Finish(OldLz4Native api, IntPtr context, ReadOnlySpan<byte> input, IBufferWriter<byte> destination, ref OutputLimit limit, nuint hint)
    {
        hint = Feed(api, context, input, destination, ref limit, hint);
        if (hint != 0)
        {
            throw Corrupt("the frame is truncated (the input ended before the end mark)");
        }
    }

    /// <summary>
    /// Runs LZ4F_decompress until <paramref name="input"/> is consumed and no more output comes;
    /// returns the decoder's last hint (0 = a frame just ended). Concatenated frames are decoded in turn.
    /// </summary>
    private static nuint Feed(OldLz4Native api, IntPtr context, ReadOnlySpan<byte> input, IBufferWriter<byte> destination, ref OutputLimit limit, nuint hint = 1)
    {
        fixed (byte* inputStart = input)
        {
            nuint position = 0;
            nuint length = (nuint)input.Length;
            while (true)
            {
                Span<byte> chunk = limit.NextChunk(destination);
                nuint consumed = length - position;
                nuint produced = (nuint)chunk.Length;
                fixed (byte* output = chunk)
                {
                    hint = api.DecompressFrame(context, output, &produced, inputStart + position, &consumed, null);
                }

                if (api.IsError(hint) != 0)
                {
                    throw Corrupt(api.ErrorName(hint));
                }

                position += consumed;
                limit.Advance(destination, (int)produced);
                if (position == length && (hint == 0 || produced < (nuint)chunk.Length))
                {
                    // Everything consumed, and a frame just ended or the decoder had no more output to give.
                    return hint;
                }

                if (consumed == 0 && produced == 0)
                {
                    throw Corrupt("the decoder made no progress");
                }
            }
        }
    }

    private static KafkaProtocolException Corrupt(string what) => new($"lz4-compressed data is corrupt: {what}");
}
