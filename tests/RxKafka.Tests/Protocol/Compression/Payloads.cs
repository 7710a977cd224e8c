using System.Buffers;
using System.Text;
using RxKafka.Protocol;
using RxKafka.Protocol.Compression;

namespace RxKafka.Tests.Protocol.Compression;

/// <summary>Inputs shared by the codec tests; every one is deterministic.</summary>
internal static class Payloads
{
    public static readonly CompressionType[] Codecs =
        [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

    public static readonly CompressionType[] CompressingCodecs =
        [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

    public static readonly string[] Names = ["empty", "one-byte", "random-1MiB", "repetitive-1MiB", "text", "json-records"];

    public static byte[] Get(string name) => name switch
    {
        "empty" => [],
        "one-byte" => [0x2A],
        "random-1MiB" => Random(1 << 20, seed: 7),
        "repetitive-1MiB" => Repetitive(1 << 20),
        "text" => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(
            "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness. ", 300))),
        "json-records" => JsonRecords(200_000, seed: 3),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Repetitive(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)"abcdefgh"[i % 8];
        }

        return bytes;
    }

    /// <summary>Record-batch-like text: JSON objects with repeated keys and varying numbers.</summary>
    public static byte[] JsonRecords(int approximateLength, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(approximateLength + 256);
        for (int i = 0; builder.Length < approximateLength; i++)
        {
            builder.Append("{\"orderId\":").Append(100000 + i)
                .Append(",\"customer\":\"customer-").Append(random.Next(5000))
                .Append("\",\"amount\":").Append(random.Next(1, 100000) / 100.0)
                .Append(",\"currency\":\"").Append(random.Next(3) switch { 0 => "EUR", 1 => "USD", _ => "GBP" })
                .Append("\",\"timestamp\":").Append(1_700_000_000_000L + (i * 37L))
                .Append(",\"status\":\"").Append(random.Next(4) switch { 0 => "created", 1 => "paid", 2 => "shipped", _ => "delivered" })
                .Append("\"}\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    public static byte[] Compress(CompressionType type, ReadOnlySpan<byte> source, int? level = null)
    {
        var writer = new ArrayBufferWriter<byte>();
        KafkaCompression.Compress(type, source, writer, level);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Decompress(CompressionType type, ReadOnlySpan<byte> source, int maxOutputBytes = 64 << 20)
    {
        var writer = new ArrayBufferWriter<byte>();
        KafkaCompression.Decompress(type, source, writer, maxOutputBytes);
        return writer.WrittenSpan.ToArray();
    }

    public static string CodecName(CompressionType type) => type.ToString().ToLowerInvariant();

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);
}
