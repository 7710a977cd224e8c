using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using RxKafka.Protocol;
using RxKafka.Protocol.Compression;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

public sealed class Lz4Tests
{
    [Fact]
    public void Frames_are_64KB_independent_blocks_without_checksums_as_Kafka_writes_them()
    {
        byte[] compressed = Payloads.Compress(CompressionType.Lz4, Payloads.Get("text"));

        Assert.Equal(0x184D2204u, BinaryPrimitives.ReadUInt32LittleEndian(compressed));
        byte flags = compressed[4];
        byte blockDescriptor = compressed[5];
        Assert.Equal(0b01, flags >> 6);            // version 01
        Assert.NotEqual(0, flags & 0x20);          // independent blocks
        Assert.Equal(0, flags & 0x10);             // no block checksum
        Assert.Equal(0, flags & 0x08);             // no content size
        Assert.Equal(0, flags & 0x04);             // no content checksum
        Assert.Equal(4, (blockDescriptor >> 4) & 7); // 64 KiB maximum block size
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, compressed[^4..]); // end mark
    }

    [Fact]
    public void The_header_checksum_is_xxhash32_of_the_descriptor()
    {
        byte[] compressed = Payloads.Compress(CompressionType.Lz4, Payloads.Get("text"));

        Assert.Equal(compressed[6], (byte)(XxHash32.HashToUInt32(compressed.AsSpan(4, 2)) >> 8));
        // The header liblz4 wrote for the same settings (OldEncoderVectorTests).
        Assert.Equal(Payloads.Hex("04224d18604082"), compressed[..7]);
    }

    [Fact]
    public void Incompressible_blocks_are_stored_with_the_high_bit_of_their_size_set()
    {
        byte[] original = Payloads.Random(70_000, seed: 5);

        byte[] compressed = Payloads.Compress(CompressionType.Lz4, original);

        Assert.Equal(0x80000000u | 65536, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(7)));
        Assert.Equal(0x80000000u | 4464, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(7 + 4 + 65536)));
        Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Lz4, compressed)));
    }

    [Fact]
    public void A_block_after_a_stored_one_is_still_compressed_when_it_compresses()
    {
        // Noise, then records: the sample of the second block says it compresses, so it is not stored.
        byte[] original = [.. Payloads.Random(65_536, seed: 7), .. Payloads.JsonRecords(65_536, seed: 8)];

        byte[] compressed = Payloads.Compress(CompressionType.Lz4, original);

        Assert.Equal(0x80000000u | 65536, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(7)));
        uint second = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(7 + 4 + 65536));
        Assert.Equal(0u, second & 0x80000000u);
        Assert.True(second < 65536 / 2, $"the records' block took {second} bytes");
        Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Lz4, compressed)));
    }

    [Fact]
    public void A_compressible_first_block_is_compressed_whatever_the_sample_costs()
    {
        byte[] original = Payloads.JsonRecords(200_000, seed: 9);

        byte[] compressed = Payloads.Compress(CompressionType.Lz4, original);

        Assert.True(compressed.Length < original.Length / 2, $"{compressed.Length} of {original.Length} bytes");
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(7)) & 0x80000000u);
        Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Lz4, compressed)));
    }

    [Fact]
    public void A_legacy_frame_with_the_KAFKA_3160_checksum_decodes_only_in_legacy_mode()
    {
        byte[] original = Payloads.JsonRecords(150_000, seed: 12);
        byte[] frame = Payloads.Compress(CompressionType.Lz4, original);
        // Kafka 0.8-0.9 hashed the magic number with the descriptor.
        frame[6] = (byte)(XxHash32.HashToUInt32(frame.AsSpan(0, 6)) >> 8);
        Assert.NotEqual(frame[6], (byte)(XxHash32.HashToUInt32(frame.AsSpan(4, 2)) >> 8));

        var strict = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Lz4, frame));
        var writer = new ArrayBufferWriter<byte>();
        KafkaCompression.Decompress(CompressionType.Lz4, frame, writer, 1 << 20, legacyLz4HeaderChecksum: true);

        Assert.Contains("lz4", strict.Message);
        Assert.True(original.AsSpan().SequenceEqual(writer.WrittenSpan));
    }

    [Fact]
    public void Legacy_mode_also_reads_correct_frames_including_ones_with_a_content_size()
    {
        byte[] withContentSize = Payloads.Hex("04224d1868404200000000000000e534000000f0137b226964223a312c226e616d65223a2272786b61666b61222c2274616773223a5b220c004f62225d2c29000050666b61227d00000000");
        byte[] original = Payloads.Get("text");
        byte[] ours = Payloads.Compress(CompressionType.Lz4, original);

        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();
        KafkaCompression.Decompress(CompressionType.Lz4, withContentSize, first, 1000, legacyLz4HeaderChecksum: true);
        KafkaCompression.Decompress(CompressionType.Lz4, ours, second, 1 << 20, legacyLz4HeaderChecksum: true);

        Assert.StartsWith("{\"id\":1,", Encoding.ASCII.GetString(first.WrittenSpan));
        Assert.True(original.AsSpan().SequenceEqual(second.WrittenSpan));
    }

    [Fact]
    public void Legacy_mode_reports_a_truncated_header()
    {
        var error = Assert.Throws<KafkaProtocolException>(() =>
            KafkaCompression.Decompress(CompressionType.Lz4, [0x04, 0x22, 0x4D, 0x18, 0x68, 0x40], new ArrayBufferWriter<byte>(), 100, legacyLz4HeaderChecksum: true));

        Assert.Contains("lz4", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    /// <summary>
    /// Written by python3-lz4 4.0.2 (Debian 12), lz4.frame.compress(p, block_linked=True, ...) over
    /// <see cref="LinkedPayload"/>: 64 KiB linked blocks with block and content checksums and the
    /// content size, and 256 KiB linked blocks without them. Kafka's Java client writes neither, but
    /// liblz4 read both, and so must we.
    /// </summary>
    private static readonly string LinkedWithChecksums = string.Concat("""
        04224d185c4060610200000000009a46010000f20b7b226964223a302c226e616d65223a2272786b61666b61227d0a1a001f311a00061f32
        1a00061f331a00061f341a00061f351a00061f361a00060fb600ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffff2c506d65223a223b516f4f0a0100000ff0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe8502269
        64223a078c38a4a3000000ff0c312c226e616d65223a2272786b61666b61227d0a7b226964223a321a00061f331a00061f341a00061f351a
        00061f361a00061f301a00060fb600ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff2
        506b61227d0a61b84bbe000000005468edc4
        """.Where(c => !char.IsWhiteSpace(c)));

    private static readonly string Linked256KBBlocks = string.Concat("""
        04224d186050fba8020000f20b7b226964223a302c226e616d65223a2272786b61666b61227d0a1a001f311a00061f321a00061f331a0006
        1f341a00061f351a00061f361a00060fb600ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffee506b61227d0a00000000
        """.Where(c => !char.IsWhiteSpace(c)));

    private static byte[] LinkedPayload()
        => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 6000).Select(i => $"{{\"id\":{i % 7},\"name\":\"rxkafka\"}}\n")));

    [Fact]
    public void Linked_blocks_with_block_and_content_checksums_and_a_content_size_decode()
    {
        byte[] decoded = Payloads.Decompress(CompressionType.Lz4, Payloads.Hex(LinkedWithChecksums));

        Assert.Equal(156_000, decoded.Length);
        Assert.True(LinkedPayload().AsSpan().SequenceEqual(decoded));
    }

    [Fact]
    public void Linked_blocks_of_256KB_decode()
    {
        Assert.True(LinkedPayload().AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Lz4, Payloads.Hex(Linked256KBBlocks))));
    }

    [Fact]
    public void A_corrupted_block_checksum_is_rejected()
    {
        byte[] frame = Payloads.Hex(LinkedWithChecksums);
        int firstBlockSize = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(15));
        frame[15 + 4 + firstBlockSize] ^= 0x01;

        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Lz4, frame));

        Assert.Contains("lz4", error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void A_content_size_that_does_not_match_the_content_is_rejected()
    {
        byte[] frame = Payloads.Hex(LinkedWithChecksums);
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(6), 155_999);
        frame[14] = (byte)(XxHash32.HashToUInt32(frame.AsSpan(4, 10)) >> 8);

        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Lz4, frame));

        Assert.Contains("declares 155999 bytes of content but holds 156000", error.Message);
    }

    [Fact]
    public void A_bad_header_checksum_is_rejected_outside_legacy_mode()
    {
        byte[] frame = Payloads.Compress(CompressionType.Lz4, Payloads.Get("text"));
        frame[6] ^= 0x01;

        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Lz4, frame));

        Assert.Contains("header checksum", error.Message);
    }

    [Fact]
    public void Frames_and_skippable_frames_in_sequence_decode_in_turn()
    {
        byte[] hello = Payloads.Compress(CompressionType.Lz4, "hello "u8);
        byte[] world = Payloads.Compress(CompressionType.Lz4, "world"u8);
        byte[] skippable = [0x53, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3];

        byte[] decoded = Payloads.Decompress(CompressionType.Lz4, [.. hello, .. skippable, .. world]);

        Assert.Equal("hello world", Encoding.ASCII.GetString(decoded));
    }

    [Fact]
    public void A_frame_needing_a_dictionary_is_rejected()
    {
        // FLG with the dictionary id bit, then BD, a 4-byte id and the header checksum.
        byte[] frame = [0x04, 0x22, 0x4D, 0x18, 0x61, 0x40, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        frame[10] = (byte)(XxHash32.HashToUInt32(frame.AsSpan(4, 6)) >> 8);

        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Lz4, frame));

        Assert.Contains("dictionary", error.Message);
    }
}
