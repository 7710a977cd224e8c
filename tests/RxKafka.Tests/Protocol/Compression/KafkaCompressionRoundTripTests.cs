using System.Buffers;
using RxKafka.Protocol;
using RxKafka.Protocol.Compression;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

public sealed class KafkaCompressionRoundTripTests
{
    public static TheoryData<CompressionType, string> CodecsAndPayloads()
    {
        var data = new TheoryData<CompressionType, string>();
        foreach (CompressionType codec in Payloads.Codecs)
        {
            foreach (string name in Payloads.Names)
            {
                data.Add(codec, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CodecsAndPayloads))]
    public void Round_trip_returns_the_original_bytes(CompressionType codec, string payload)
    {
        byte[] original = Payloads.Get(payload);

        byte[] compressed = Payloads.Compress(codec, original);
        byte[] decompressed = Payloads.Decompress(codec, compressed);

        Assert.Equal(original.Length, decompressed.Length);
        Assert.True(original.AsSpan().SequenceEqual(decompressed), $"{codec} round trip of {payload} changed the bytes");
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Compressible_data_gets_smaller_and_random_data_barely_grows(CompressionType codec)
    {
        byte[] repetitive = Payloads.Repetitive(1 << 20);
        byte[] random = Payloads.Random(1 << 20, seed: 11);

        Assert.True(Payloads.Compress(codec, repetitive).Length < repetitive.Length / 10, $"{codec} did not compress repetitive data");
        Assert.True(Payloads.Compress(codec, random).Length < random.Length + (random.Length / 50), $"{codec} expanded random data too much");
    }

    [Theory]
    [InlineData(CompressionType.Gzip, 1)]
    [InlineData(CompressionType.Gzip, 9)]
    [InlineData(CompressionType.Lz4, 1)]
    [InlineData(CompressionType.Lz4, 12)]
    [InlineData(CompressionType.Zstd, 1)]
    [InlineData(CompressionType.Zstd, 19)]
    [InlineData(CompressionType.Zstd, -5)]
    public void Every_level_round_trips(CompressionType codec, int level)
    {
        byte[] original = Payloads.JsonRecords(100_000, seed: 5);

        byte[] decompressed = Payloads.Decompress(codec, Payloads.Compress(codec, original, level));

        Assert.True(original.AsSpan().SequenceEqual(decompressed));
    }

    [Fact]
    public void Higher_levels_compress_better()
    {
        byte[] original = Payloads.JsonRecords(300_000, seed: 9);

        Assert.True(Payloads.Compress(CompressionType.Gzip, original, 9).Length < Payloads.Compress(CompressionType.Gzip, original, 1).Length);
        Assert.True(Payloads.Compress(CompressionType.Zstd, original, 19).Length < Payloads.Compress(CompressionType.Zstd, original, 1).Length);
        Assert.True(Payloads.Compress(CompressionType.Lz4, original, 9).Length < Payloads.Compress(CompressionType.Lz4, original).Length);
    }

    [Theory]
    [InlineData(CompressionType.Gzip, 10)]
    [InlineData(CompressionType.Gzip, 0)]
    [InlineData(CompressionType.Lz4, 18)]
    [InlineData(CompressionType.Zstd, 23)]
    public void An_out_of_range_level_is_an_argument_error(CompressionType codec, int level)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Payloads.Compress(codec, [1, 2, 3], level));
    }

    [Fact]
    public void Compressed_bytes_are_appended_after_what_the_writer_already_holds()
    {
        byte[] original = Payloads.JsonRecords(50_000, seed: 1);
        foreach (CompressionType codec in Payloads.Codecs)
        {
            var writer = new ArrayBufferWriter<byte>();
            writer.Write(new byte[] { 9, 9, 9 });

            KafkaCompression.Compress(codec, original, writer);

            Assert.Equal(new byte[] { 9, 9, 9 }, writer.WrittenSpan[..3].ToArray());
            Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(codec, writer.WrittenSpan[3..])), codec.ToString());
        }
    }

    [Fact]
    public void An_unknown_codec_is_a_protocol_error_naming_the_value()
    {
        var writer = new ArrayBufferWriter<byte>();

        var decompress = Assert.Throws<KafkaProtocolException>(() => KafkaCompression.Decompress((CompressionType)5, [1, 2, 3], writer, 1000));
        var compress = Assert.Throws<KafkaProtocolException>(() => KafkaCompression.Compress((CompressionType)7, [1, 2, 3], writer));

        Assert.Contains("unknown compression codec 5", decompress.Message);
        Assert.Contains("unknown compression codec 7", compress.Message);
    }

    [Fact]
    public void Concurrent_calls_on_many_threads_do_not_interfere()
    {
        byte[][] inputs = Enumerable.Range(0, 8).Select(i => Payloads.JsonRecords(40_000 + (i * 1000), seed: i)).ToArray();

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            CompressionType codec = Payloads.CompressingCodecs[i % 4];
            byte[] input = inputs[i % inputs.Length];
            byte[] output = Payloads.Decompress(codec, Payloads.Compress(codec, input));
            Assert.True(input.AsSpan().SequenceEqual(output), $"{codec} call {i} returned the wrong bytes");
        });
    }
}
