using System.Buffers.Binary;
using RxKafka.Protocol;
using RxKafka.Protocol.Primitives;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;
using Xunit;
using static RxKafka.Tests.Protocol.Records.RecordBatchTestKit;

namespace RxKafka.Tests.Protocol.Records;

public sealed class RecordBatchBadInputTests
{
    private static byte[] Batch(int records = 3, CompressionType codec = CompressionType.None, long baseOffset = 500)
    {
        using var builder = new RecordBatchBuilder();
        builder.BaseOffset = baseOffset;
        for (var i = 0; i < records; i++)
        {
            builder.Append(1000 + i, Utf8($"key{i}"), Utf8($"value{i}"), [new RecordHeader("h", Utf8("x"))]);
        }

        return builder.Build(codec).ToArray();
    }

    /// <summary>Recomputes the CRC of the v2 batch at <paramref name="start"/> after a test edits it.</summary>
    private static byte[] FixCrc(byte[] bytes, int start = 0)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(start + 8)) + 12;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(start + 17), Crc32C.Compute(bytes.AsSpan(start + 21, length - 21)));
        return bytes;
    }

    private static KafkaProtocolException Fails(byte[] bytes, bool checkCrcs = true, int maxDecompressedBytes = RecordBatchReader.DefaultMaxDecompressedBytes)
        => Assert.Throws<KafkaProtocolException>(() =>
        {
            using var reader = new RecordBatchReader(bytes, checkCrcs, maxDecompressedBytes);
            while (reader.TryReadBatch(out var batch))
            {
                foreach (var record in batch)
                {
                    foreach (var header in record.Headers)
                    {
                        _ = header.Value.Length;
                    }
                }
            }
        });

    [Fact]
    public void Every_cut_of_the_last_batch_is_a_partial_trailing_batch_not_an_error()
    {
        var first = Batch(2, baseOffset: 0);
        var second = Batch(3, baseOffset: 2);
        var both = Concat(first, second);
        for (var cut = first.Length + 1; cut < both.Length; cut++)
        {
            using var reader = new RecordBatchReader(both.AsMemory(0, cut));
            Assert.True(reader.TryReadBatch(out var batch));
            Assert.Equal(2, batch.Count());
            Assert.False(reader.TryReadBatch(out _));
            Assert.True(reader.HasPartialTrailingBatch, $"cut at {cut}");
            Assert.Equal(first.Length, reader.Position);
        }

        using var whole = new RecordBatchReader(both);
        Assert.Equal(2, whole.Count());
        Assert.False(whole.HasPartialTrailingBatch);
    }

    [Fact]
    public void Empty_input_has_no_batches_and_no_partial_batch()
    {
        using var reader = new RecordBatchReader(ReadOnlyMemory<byte>.Empty);
        Assert.False(reader.TryReadBatch(out _));
        Assert.False(reader.HasPartialTrailingBatch);
    }

    [Fact]
    public void Crc_mismatch_names_offset_and_both_crcs()
    {
        var bytes = Batch();
        var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(17));
        bytes[^1] ^= 0x40;
        var computed = Crc32C.Compute(bytes.AsSpan(21));
        var e = Fails(bytes);
        Assert.Equal($"record batch at offset 500 has CRC 0x{stored:X8} but computed 0x{computed:X8}", e.Message);
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Fact]
    public void Crc_checking_can_be_switched_off()
    {
        var bytes = Batch();
        bytes[17] ^= 0xFF;
        Assert.Single(ReadAll(bytes, checkCrcs: false));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(255)]
    public void Unknown_magic_is_named(byte magic)
    {
        var bytes = Batch();
        bytes[16] = magic;
        Assert.Contains($"unknown magic {magic}", Fails(bytes).Message);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Unknown_compression_bits_are_named(int codec)
    {
        var bytes = Batch();
        bytes[22] = (byte)((bytes[22] & ~7) | codec);
        Assert.Contains($"unknown compression type {codec}", Fails(FixCrc(bytes)).Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(int.MinValue)]
    public void Batch_length_below_any_batch_is_an_error(int length)
    {
        var bytes = Batch();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), length);
        Assert.Contains($"bad batch length: record batch at offset 500 (byte 0) has length {length}", Fails(bytes).Message);
    }

    [Fact]
    public void A_v2_batch_shorter_than_its_header_is_an_error()
    {
        var bytes = Batch()[..40];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 28);
        Assert.Contains("smaller than the 49 bytes of a v2 header", Fails(bytes).Message);
    }

    [Fact]
    public void A_batch_length_past_the_input_is_a_partial_batch()
    {
        var bytes = Batch();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), int.MaxValue);
        using var reader = new RecordBatchReader(bytes);
        Assert.False(reader.TryReadBatch(out _));
        Assert.True(reader.HasPartialTrailingBatch);
    }

    [Theory]
    [InlineData(-1, "negative length: record batch at offset 500 has record count -1")]
    [InlineData(int.MaxValue, "bad record count: record batch at offset 500 claims 2147483647 records")]
    [InlineData(4, "declares 4 records but its records end after 3")]
    [InlineData(2, "declares 2 records but")]
    public void Wrong_record_counts_are_errors(int count, string message)
    {
        var bytes = Batch();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(57), count);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(FixCrc(bytes));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "a huge record count must fail before anything is sized by it");
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_compressed_batch_claiming_two_billion_records_fails_before_allocating()
    {
        var bytes = Batch(3, CompressionType.Gzip);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(57), int.MaxValue);
        Assert.Contains("claims 2147483647 records", Fails(FixCrc(bytes)).Message);
    }

    // The first record starts at byte 61: length varint, attributes, timestamp delta, offset delta, key length ...
    [Fact]
    public void A_record_length_varint_that_never_ends_is_a_bad_varint()
    {
        var bytes = Batch();
        bytes.AsSpan(61, 5).Fill(0xFF);
        Assert.Contains("bad varint: the record length of record 0 in the batch at offset 500", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void A_record_length_past_the_batch_is_truncation()
    {
        var bytes = Batch(1);
        VarInt.WriteSigned(bytes.AsSpan(61), 60); // one byte, like the original
        Assert.Contains("truncated record: record 0 of the batch at offset 500 has length 60", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void A_negative_record_length_is_an_error()
    {
        var bytes = Batch();
        VarInt.WriteSigned(bytes.AsSpan(61), -3);
        Assert.Contains("has length -3", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void A_negative_key_length_other_than_minus_one_is_an_error()
    {
        var bytes = Batch();
        // length, attributes, timestamp delta (0), offset delta (0), then the key length at 65.
        Assert.Equal(VarInt.ZigZag(4), bytes[65]);
        bytes[65] = (byte)VarInt.ZigZag(-2);
        Assert.Contains("negative length: record at offset 500 has key length -2", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void A_key_length_past_the_record_is_truncation()
    {
        var bytes = Batch();
        bytes[65] = (byte)VarInt.ZigZag(40);
        Assert.Contains("truncated record: record at offset 500 has key length 40", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void A_header_count_past_the_record_is_an_error()
    {
        var bytes = Batch();
        // key "key0" (4) at 66..69, value length at 70, "value0" 71..76, header count at 77.
        Assert.Equal(VarInt.ZigZag(1), bytes[77]);
        bytes[77] = (byte)VarInt.ZigZag(60);
        Assert.Contains("bad header count: record at offset 500 claims 60 headers", Fails(FixCrc(bytes)).Message);
        bytes[77] = (byte)VarInt.ZigZag(-1);
        Assert.Contains("negative length: record at offset 500 has header count -1", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void A_negative_header_key_length_is_an_error()
    {
        var bytes = Batch();
        bytes[78] = (byte)VarInt.ZigZag(-1);
        Assert.Contains("negative length: header 0 of record at offset 500 has key length -1", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void Record_fields_shorter_than_the_record_length_are_an_error()
    {
        // Grow the first record's length by one and the batch by one spare byte at its end.
        var original = Batch(1);
        var bytes = Concat(original, [0]);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)) + 1);
        bytes[61] = (byte)VarInt.ZigZag(VarInt.TryReadSigned(original.AsSpan(61), out var length) > 0 ? length + 1 : 0);
        Assert.Contains("bad record length: record at offset 500 has length", Fails(FixCrc(bytes)).Message);
    }

    [Fact]
    public void Corrupt_compressed_records_name_the_batch_and_codec()
    {
        var bytes = Batch(20, CompressionType.Gzip);
        for (var i = 70; i < bytes.Length - 10; i++)
        {
            bytes[i] ^= 0x5A;
        }

        var e = Fails(FixCrc(bytes));
        Assert.Contains("record batch at offset 500 could not be decompressed (Gzip)", e.Message);
    }

    [Fact]
    public void Decompressed_size_is_limited()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "k"u8, new byte[100_000]);
        var bytes = builder.Build(CompressionType.Gzip).ToArray();
        var e = Fails(bytes, maxDecompressedBytes: 50_000);
        Assert.Contains("could not be decompressed", e.Message);
        Assert.Single(ReadAll(bytes));
    }

    [Fact]
    public void Legacy_message_errors_are_specific()
    {
        using var builder = new LegacyMessageSetBuilder(1);
        builder.Append(1, Utf8("key"), Utf8("value"));
        var good = builder.Build().ToArray();

        var small = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(small.AsSpan(8), 15);
        Assert.Contains("has size 15, smaller than the 22-byte overhead of magic 1", Fails(small).Message);

        var badKey = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(badKey.AsSpan(26), -7);
        Assert.Contains("negative length: message at offset 0 has key length -7", Fails(badKey, checkCrcs: false).Message);

        var longKey = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(longKey.AsSpan(26), 1000);
        Assert.Contains("has key length 1000 but only", Fails(longKey, checkCrcs: false).Message);

        var codec = (byte[])good.Clone();
        codec[17] = 6;
        Assert.Contains("unknown compression type 6 in magic 1 message at offset 0", Fails(codec, checkCrcs: false).Message);

        var nullWrapper = new PooledBufferWriter();
        LegacyMessageSetBuilder.WriteMessage(nullWrapper, 3, 1, (byte)CompressionType.Gzip, 1, default, true, default, true);
        Assert.Contains("wrapper message at offset 3 has a null value", Fails(nullWrapper.WrittenMemory.ToArray()).Message);
    }
}
