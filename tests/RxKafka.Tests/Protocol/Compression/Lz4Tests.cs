using System.Buffers;
using System.Buffers.Binary;
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

        // liblz4 wrote the byte; our xxHash32 must agree with it.
        Assert.Equal(compressed[6], (byte)(XxHash32.Hash(compressed.AsSpan(4, 2)) >> 8));
    }

    [Fact]
    public void A_legacy_frame_with_the_KAFKA_3160_checksum_decodes_only_in_legacy_mode()
    {
        byte[] original = Payloads.JsonRecords(150_000, seed: 12);
        byte[] frame = Payloads.Compress(CompressionType.Lz4, original);
        // Kafka 0.8-0.9 hashed the magic number with the descriptor.
        frame[6] = (byte)(XxHash32.Hash(frame.AsSpan(0, 6)) >> 8);
        Assert.NotEqual(frame[6], (byte)(XxHash32.Hash(frame.AsSpan(4, 2)) >> 8));

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
}
