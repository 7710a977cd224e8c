using System.Buffers;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// Compresses and decompresses the records section of a record batch (or the value of a legacy
/// wrapper message) with one of Kafka's codecs. Every failure caused by the bytes themselves is a
/// <see cref="KafkaProtocolException"/> whose message names the codec. On failure the destination
/// may already hold part of the output. Safe to call from many threads at once. Every codec is
/// managed code (System.IO.Compression, K4os.Compression.LZ4, ZstdSharp.Port, Snappier): nothing
/// native to install.
/// </summary>
internal static class KafkaCompression
{
    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="type">The codec; <see cref="CompressionType.None"/> copies the bytes.</param>
    /// <param name="source">The uncompressed bytes.</param>
    /// <param name="destination">Where the compressed bytes are appended.</param>
    /// <param name="level">
    /// Kafka's <c>compression.level</c>: gzip 1-9, LZ4 1-17 (LZ4F levels; 0 or null is the fast
    /// default), zstd -131072..22 (default 3). Ignored by snappy and none. Null is the codec's default.
    /// </param>
    public static void Compress(CompressionType type, ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        switch (type)
        {
            case CompressionType.None:
                source.CopyTo(destination.GetSpan(source.Length));
                destination.Advance(source.Length);
                break;
            case CompressionType.Gzip:
                GzipCodec.Compress(source, destination, level);
                break;
            case CompressionType.Snappy:
                SnappyCodec.Compress(source, destination);
                break;
            case CompressionType.Lz4:
                Lz4Codec.Compress(source, destination, level);
                break;
            case CompressionType.Zstd:
                ZstdCodec.Compress(source, destination, level);
                break;
            default:
                throw UnknownCodec(type);
        }
    }

    /// <summary>Decompresses <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="type">The codec from the batch attributes.</param>
    /// <param name="source">The compressed bytes.</param>
    /// <param name="destination">Where the decompressed bytes are appended.</param>
    /// <param name="maxOutputBytes">
    /// The most bytes the output may have; more is a <see cref="KafkaProtocolException"/>
    /// (a guard against decompression bombs).
    /// </param>
    public static void Decompress(CompressionType type, ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes)
        => Decompress(type, source, destination, maxOutputBytes, legacyLz4HeaderChecksum: false);

    /// <summary>
    /// Decompresses <paramref name="source"/>, optionally accepting the broken LZ4 frame header
    /// checksum that Kafka wrote in message format v0 (KAFKA-3160).
    /// </summary>
    /// <param name="type">The codec from the message or batch attributes.</param>
    /// <param name="source">The compressed bytes.</param>
    /// <param name="destination">Where the decompressed bytes are appended.</param>
    /// <param name="maxOutputBytes">The most bytes the output may have.</param>
    /// <param name="legacyLz4HeaderChecksum">
    /// True for LZ4 data inside a magic 0 message: the header checksum byte is not checked, because
    /// old Kafka computed it over the magic number too (Kafka's own reader skips it there as well).
    /// </param>
    public static void Decompress(CompressionType type, ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes, bool legacyLz4HeaderChecksum)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputBytes);
        switch (type)
        {
            case CompressionType.None:
                if (source.Length > maxOutputBytes)
                {
                    throw OutputLimit.TooLarge("uncompressed", maxOutputBytes);
                }

                source.CopyTo(destination.GetSpan(source.Length));
                destination.Advance(source.Length);
                break;
            case CompressionType.Gzip:
                GzipCodec.Decompress(source, destination, maxOutputBytes);
                break;
            case CompressionType.Snappy:
                SnappyCodec.Decompress(source, destination, maxOutputBytes);
                break;
            case CompressionType.Lz4:
                Lz4Codec.Decompress(source, destination, maxOutputBytes, legacyLz4HeaderChecksum);
                break;
            case CompressionType.Zstd:
                ZstdCodec.Decompress(source, destination, maxOutputBytes);
                break;
            default:
                throw UnknownCodec(type);
        }
    }

    private static KafkaProtocolException UnknownCodec(CompressionType type)
        => new($"unknown compression codec {(byte)type} in record batch attributes (known: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)");
}
