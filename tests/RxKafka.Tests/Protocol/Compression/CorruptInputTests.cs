using System.Buffers.Binary;
using RxKafka.Protocol;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

/// <summary>Bad bytes give a <see cref="KafkaProtocolException"/> that names the codec; too much output trips the bomb guard.</summary>
public sealed class CorruptInputTests
{
    public static TheoryData<CompressionType> Compressing() => new(Payloads.CompressingCodecs);

    private static KafkaProtocolException AssertCorrupt(CompressionType codec, byte[] input, int maxOutputBytes = 1 << 20)
    {
        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(codec, input, maxOutputBytes));
        Assert.Contains(Payloads.CodecName(codec), error.Message);
        return error;
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Empty_input_is_corrupt(CompressionType codec)
    {
        AssertCorrupt(codec, []);
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Every_truncation_is_reported(CompressionType codec)
    {
        byte[] original = Payloads.JsonRecords(5_000, seed: 21);
        byte[] compressed = Payloads.Compress(codec, original);
        HashSet<int> undetectable = codec == CompressionType.Snappy ? XerialBlockBoundaries(compressed) : [];

        for (int length = 0; length < compressed.Length; length++)
        {
            if (!undetectable.Contains(length))
            {
                AssertCorrupt(codec, compressed[..length]);
            }
        }
    }

    /// <summary>
    /// The xerial framing has no end mark: cut right after a block it is a valid, shorter stream.
    /// </summary>
    private static HashSet<int> XerialBlockBoundaries(byte[] framed)
    {
        var boundaries = new HashSet<int> { 16 };
        for (int position = 16; position < framed.Length;)
        {
            position += 4 + BinaryPrimitives.ReadInt32BigEndian(framed.AsSpan(position));
            boundaries.Add(position);
        }

        return boundaries;
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Random_bytes_are_corrupt(CompressionType codec)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            AssertCorrupt(codec, Payloads.Random(200, seed));
        }
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Bytes_after_the_end_are_corrupt(CompressionType codec)
    {
        byte[] compressed = [.. Payloads.Compress(codec, Payloads.Get("text")), 0x42, 0x42, 0x42, 0x42, 0x42];

        AssertCorrupt(codec, compressed);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void A_bad_magic_is_corrupt(CompressionType codec)
    {
        byte[] compressed = Payloads.Compress(codec, Payloads.Get("text"));
        compressed[0] ^= 0xFF;

        AssertCorrupt(codec, compressed);
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Output_larger_than_the_limit_trips_the_bomb_guard(CompressionType codec)
    {
        byte[] original = Payloads.Repetitive(1 << 20);
        byte[] compressed = Payloads.Compress(codec, original);

        var error = AssertCorrupt(codec, compressed, maxOutputBytes: original.Length - 1);
        var small = AssertCorrupt(codec, compressed, maxOutputBytes: 1000);

        Assert.Contains($"limit of {original.Length - 1} bytes", error.Message);
        Assert.Contains("limit of 1000 bytes", small.Message);
        Assert.Equal(original.Length, Payloads.Decompress(codec, compressed, maxOutputBytes: original.Length).Length);
    }

    [Fact]
    public void Uncompressed_data_obeys_the_limit_too()
    {
        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.None, new byte[11], maxOutputBytes: 10));

        Assert.Contains("limit of 10 bytes", error.Message);
    }

    [Fact]
    public void A_zero_limit_accepts_only_empty_output()
    {
        foreach (CompressionType codec in Payloads.CompressingCodecs)
        {
            Assert.Empty(Payloads.Decompress(codec, Payloads.Compress(codec, []), maxOutputBytes: 0));
            AssertCorrupt(codec, Payloads.Compress(codec, [1]), maxOutputBytes: 0);
        }
    }

    [Fact]
    public void A_snappy_block_claiming_more_than_its_bytes_can_hold_is_rejected_before_allocating()
    {
        // Declares 0xFFFFFFFF bytes with a one-byte body.
        var error = AssertCorrupt(CompressionType.Snappy, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]);

        Assert.Contains("declares 4294967295 uncompressed bytes", error.Message);
    }

    [Fact]
    public void A_snappy_varint_longer_than_32_bits_is_rejected()
    {
        var error = AssertCorrupt(CompressionType.Snappy, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00]);

        Assert.Contains("longer than 32 bits", error.Message);
    }

    [Fact]
    public void A_snappy_copy_reaching_before_the_start_is_rejected()
    {
        // 8 bytes: literal "ab" then a 2-byte-offset copy of 6 bytes from 3 bytes back.
        var error = AssertCorrupt(CompressionType.Snappy, [0x08, 0x04, (byte)'a', (byte)'b', (6 - 1) << 2 | 2, 0x03, 0x00]);

        Assert.Contains("copy offset", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_snappy_copy_with_offset_zero_is_rejected()
    {
        AssertCorrupt(CompressionType.Snappy, [0x08, 0x04, (byte)'a', (byte)'b', (6 - 1) << 2 | 2, 0x00, 0x00]);
    }

    [Fact]
    public void A_snappy_block_shorter_than_declared_is_rejected()
    {
        AssertCorrupt(CompressionType.Snappy, [0x05, 0x04, (byte)'a', (byte)'b']);
    }

    [Fact]
    public void A_xerial_block_length_beyond_the_input_is_rejected()
    {
        byte[] framed = Payloads.Compress(CompressionType.Snappy, Payloads.Get("text"));
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(16), framed.Length);

        var error = AssertCorrupt(CompressionType.Snappy, framed);

        Assert.Contains("xerial block", error.Message);
    }

    [Fact]
    public void A_negative_xerial_block_length_is_rejected()
    {
        byte[] framed = Payloads.Compress(CompressionType.Snappy, Payloads.Get("text"));
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(16), -5);

        AssertCorrupt(CompressionType.Snappy, framed);
    }

    [Fact]
    public void A_truncated_xerial_header_is_rejected()
    {
        byte[] framed = Payloads.Compress(CompressionType.Snappy, Payloads.Get("text"));

        var error = AssertCorrupt(CompressionType.Snappy, framed[..12]);

        Assert.Contains("xerial header is truncated", error.Message);
    }
}
