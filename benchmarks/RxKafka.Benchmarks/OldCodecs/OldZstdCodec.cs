// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Buffers;
using System.Numerics;
using OutputLimit = RxKafka.Protocol.Compression.OutputLimit;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// Zstandard through libzstd. Compression is one ZSTD_compress call; decompression uses the
/// streaming decoder because Kafka's Java client writes frames without a content size. Every call
/// has its own decoder, freed before returning, so concurrent calls share nothing.
/// </summary>
internal static unsafe class OldZstdCodec
{
    private const string Codec = "zstd";
    private const int DefaultLevel = 3;
    private const int MaxLevel = 22;
    private const int MinLevel = -131072;

    /// <summary>Windows up to 8 MiB are always allowed (what levels up to 19 use); larger ones only as far as the output budget.</summary>
    private const int MinWindowLogMax = 23;

    /// <summary>zstd's own default ceiling (ZSTD_WINDOWLOG_LIMIT_DEFAULT, 128 MiB).</summary>
    private const int MaxWindowLogMax = 27;

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        int compressionLevel = level ?? DefaultLevel;
        if (compressionLevel is < MinLevel or > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"zstd compression.level must be {MinLevel}..{MaxLevel}");
        }

        OldZstdNative api = OldZstdNative.Api;
        nuint bound = api.CompressBound((nuint)source.Length);
        if (api.IsError(bound) != 0 || bound > int.MaxValue)
        {
            throw new ArgumentException($"zstd cannot compress {source.Length} bytes in one call", nameof(source));
        }

        Span<byte> output = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* src = source)
        fixed (byte* dst = output)
        {
            written = api.CompressBlock(dst, (nuint)output.Length, src, (nuint)source.Length, compressionLevel);
        }

        if (api.IsError(written) != 0)
        {
            throw new InvalidOperationException($"ZSTD_compress failed: {api.ErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes)
    {
        if (source.IsEmpty)
        {
            throw Corrupt("the input is empty (no frame)");
        }

        OldZstdNative api = OldZstdNative.Api;
        var limit = new OutputLimit(Codec, maxOutputBytes);
        IntPtr stream = api.CreateDStream();
        if (stream == IntPtr.Zero)
        {
            throw new OutOfMemoryException("ZSTD_createDStream failed");
        }

        try
        {
            nuint status = api.InitDStream(stream);
            if (api.IsError(status) != 0)
            {
                throw new InvalidOperationException($"ZSTD_initDStream failed: {api.ErrorName(status)}");
            }

            if (api.SetDecompressionParameter is not null)
            {
                // A frame header may ask for a large window, which the decoder would allocate up front.
                int windowLogMax = Math.Clamp(64 - BitOperations.LeadingZeroCount((ulong)maxOutputBytes), MinWindowLogMax, MaxWindowLogMax);
                api.SetDecompressionParameter(stream, OldZstdNative.WindowLogMaxParameter, windowLogMax);
            }

            fixed (byte* src = source)
            {
                var input = new OldZstdNative.InBuffer { Source = src, Size = (nuint)source.Length };
                while (true)
                {
                    Span<byte> chunk = limit.NextChunk(destination);
                    fixed (byte* dst = chunk)
                    {
                        var output = new OldZstdNative.OutBuffer { Destination = dst, Size = (nuint)chunk.Length };
                        status = api.DecompressStream(stream, &output, &input);
                        if (api.IsError(status) != 0)
                        {
                            throw Corrupt(api.ErrorName(status));
                        }

                        limit.Advance(destination, (int)output.Position);
                        if (input.Position == input.Size)
                        {
                            if (status == 0)
                            {
                                // The last frame is decoded and flushed.
                                return;
                            }

                            if (output.Position < output.Size)
                            {
                                // Room left, no input left, frame unfinished.
                                throw Corrupt("the frame is truncated (the input ended inside a frame)");
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            api.FreeDStream(stream);
        }
    }


    private static KafkaProtocolException Corrupt(string what) => new($"zstd-compressed data is corrupt: {what}");
}
