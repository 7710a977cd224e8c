using System.Buffers;
using System.Numerics;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// Zstandard through ZstdSharp (a managed port of libzstd). Compression writes one frame with its
/// content size; decompression streams because Kafka's Java client writes frames without a content
/// size, and decodes concatenated frames in turn. Compressor and decompressor contexts are pooled
/// (<see cref="CodecContextPool{T}"/>), each used by one call at a time.
/// </summary>
internal static class ZstdCodec
{
    private const string Codec = "zstd";
    private const int DefaultLevel = 3;
    private const int MaxLevel = 22;
    private const int MinLevel = -131072;

    /// <summary>Windows up to 8 MiB are always allowed (what levels up to 19 use); larger ones only as far as the output budget.</summary>
    private const int MinWindowLogMax = 23;

    /// <summary>zstd's own default ceiling (ZSTD_WINDOWLOG_LIMIT_DEFAULT, 128 MiB).</summary>
    private const int MaxWindowLogMax = 27;

    private static readonly CodecContextPool<Compressor> Compressors = new(static () => new Compressor(DefaultLevel));
    private static readonly CodecContextPool<Decompressor> Decompressors = new(static () => new Decompressor());

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        int compressionLevel = level ?? DefaultLevel;
        if (compressionLevel is < MinLevel or > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"zstd compression.level must be {MinLevel}..{MaxLevel}");
        }

        Compressor compressor = Compressors.Rent();
        try
        {
            if (compressor.Level != compressionLevel)
            {
                compressor.Level = compressionLevel;
            }

            Span<byte> output = destination.GetSpan(Compressor.GetCompressBound(source.Length));
            destination.Advance(compressor.Wrap(source, output));
        }
        finally
        {
            // ZSTD_compress2 starts a new session every call, so even a failed context is fit for the next.
            Compressors.Return(compressor);
        }
    }

    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes)
    {
        if (source.IsEmpty)
        {
            throw Corrupt("the input is empty (no frame)");
        }

        var limit = new OutputLimit(Codec, maxOutputBytes);
        Decompressor decompressor = Decompressors.Rent();
        try
        {
            // A previous call may have stopped inside a frame; the parameter is this call's budget.
            decompressor.ResetStream();

            // A frame header may ask for a large window, which the decoder would allocate up front.
            int windowLogMax = Math.Clamp(64 - BitOperations.LeadingZeroCount((ulong)maxOutputBytes), MinWindowLogMax, MaxWindowLogMax);
            decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, windowLogMax);
            Stream(decompressor, source, destination, ref limit);
        }
        finally
        {
            Decompressors.Return(decompressor);
        }
    }

    private static void Stream(Decompressor decompressor, ReadOnlySpan<byte> source, IBufferWriter<byte> destination, ref OutputLimit limit)
    {
        int position = 0;
        while (true)
        {
            Span<byte> chunk = limit.NextChunk(destination);
            OperationStatus status = decompressor.UnwrapStream(source[position..], chunk, out int consumed, out int written);
            if (status == OperationStatus.InvalidData)
            {
                throw Corrupt($"the decoder rejected the frame data (after {position + consumed} of {source.Length} bytes)");
            }

            position += consumed;
            limit.Advance(destination, written);
            if (position == source.Length)
            {
                switch (status)
                {
                    case OperationStatus.Done:
                        // The last frame is decoded and flushed.
                        return;
                    case OperationStatus.NeedMoreData:
                        throw Corrupt("the frame is truncated (the input ended inside a frame)");
                }
            }
            else if (consumed == 0 && written == 0 && status != OperationStatus.DestinationTooSmall)
            {
                throw Corrupt($"the decoder made no progress at offset {position}");
            }
        }
    }

    private static KafkaProtocolException Corrupt(string what) => new($"zstd-compressed data is corrupt: {what}");
}
