using System.Buffers.Binary;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;
using Xunit;
using static RxKafka.Tests.Protocol.Records.RecordBatchTestKit;

namespace RxKafka.Tests.Protocol.Records;

public sealed class LegacyMessageSetTests
{
    public static TheoryData<byte, CompressionType> MagicsAndCodecs()
    {
        var data = new TheoryData<byte, CompressionType>();
        foreach (byte magic in new byte[] { 0, 1 })
        {
            foreach (var codec in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4 })
            {
                data.Add(magic, codec);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MagicsAndCodecs))]
    public void Round_trip_through_the_common_reader(byte magic, CompressionType codec)
    {
        using var builder = new LegacyMessageSetBuilder(magic);
        builder.BaseOffset = 100;
        builder.Append(5000, Utf8("k0"), Utf8("v0"));
        builder.Append(5002, null, Utf8("v1"));
        builder.Append(5001, Utf8("k2"), null);
        builder.Append(5003, Array.Empty<byte>(), Array.Empty<byte>());
        var batches = ReadAll(builder.Build(codec).ToArray());

        var records = batches.SelectMany(b => b.Records).ToList();
        Assert.Equal([100L, 101, 102, 103], records.Select(r => r.Offset).ToArray());
        var expectedTimestamps = magic == 0 ? new[] { -1L, -1, -1, -1 } : [5000L, 5002, 5001, 5003];
        Assert.Equal(expectedTimestamps, records.Select(r => r.Timestamp).ToArray());
        Assert.Equal(Utf8("k0"), records[0].Key);
        Assert.Null(records[1].Key);
        Assert.Null(records[2].Value);
        Assert.Equal(Utf8("v1"), records[1].Value);
        Assert.Empty(records[3].Key!);
        Assert.Empty(records[3].Value!);
        Assert.All(records, r => Assert.Empty(r.Headers));

        foreach (var (batch, _) in batches)
        {
            Assert.Equal(magic, batch.Magic);
            Assert.Equal(codec, batch.Compression);
            Assert.Equal(magic == 0 ? TimestampType.NotAvailable : TimestampType.CreateTime, batch.TimestampType);
            Assert.Equal(-1, batch.ProducerId);
            Assert.False(batch.IsControl);
        }

        if (codec == CompressionType.None)
        {
            Assert.Equal(4, batches.Count);
        }
        else
        {
            var (wrapper, _) = Assert.Single(batches);
            Assert.Equal(100, wrapper.BaseOffset);
            Assert.Equal(3, wrapper.LastOffsetDelta);
            Assert.Equal(4, wrapper.RecordCount);
            Assert.Equal(magic == 0 ? -1 : 5003, wrapper.MaxTimestamp);
        }
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Lz4)]
    public void Magic_1_inner_offsets_are_relative_to_the_wrapper_offset(CompressionType codec)
    {
        using var builder = new LegacyMessageSetBuilder(1);
        for (var i = 0; i < 3; i++)
        {
            builder.Append(10 + i, Utf8($"k{i}"), Utf8($"v{i}"));
        }

        // The broker rewrites only the wrapper's offset (the CRC does not cover offsets):
        // absolute = wrapper offset - last inner relative offset + inner relative offset.
        var bytes = builder.Build(codec).ToArray();
        BinaryPrimitives.WriteInt64BigEndian(bytes, 1000);
        var (batch, records) = Assert.Single(ReadAll(bytes));
        Assert.Equal([998L, 999, 1000], records.Select(r => r.Offset).ToArray());
        Assert.Equal(998, batch.BaseOffset);
        Assert.Equal(1000, batch.LastOffset);
    }

    [Fact]
    public void A_producer_wrapper_below_its_inner_offsets_keeps_them()
    {
        // As produced (wrapper offset 0, inner 0..2): no negative offsets, the inner ones stand.
        using var builder = new LegacyMessageSetBuilder(1);
        for (var i = 0; i < 3; i++)
        {
            builder.Append(10 + i, Utf8($"k{i}"), Utf8($"v{i}"));
        }

        var bytes = builder.Build(CompressionType.Gzip).ToArray();
        BinaryPrimitives.WriteInt64BigEndian(bytes, 0);
        var (_, records) = Assert.Single(ReadAll(bytes));
        Assert.Equal([0L, 1, 2], records.Select(r => r.Offset).ToArray());
    }

    [Fact]
    public void Magic_0_inner_offsets_are_absolute()
    {
        using var builder = new LegacyMessageSetBuilder(0);
        builder.BaseOffset = 40;
        builder.Append(0, Utf8("a"), Utf8("b"));
        builder.Append(0, Utf8("c"), Utf8("d"));
        var bytes = builder.Build(CompressionType.Gzip).ToArray();
        BinaryPrimitives.WriteInt64BigEndian(bytes, 9999); // the wrapper offset plays no part
        var (_, records) = Assert.Single(ReadAll(bytes));
        Assert.Equal([40L, 41], records.Select(r => r.Offset).ToArray());
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    public void Log_append_time_replaces_record_timestamps(CompressionType codec)
    {
        using var builder = new LegacyMessageSetBuilder(1);
        builder.TimestampType = TimestampType.LogAppendTime;
        builder.LogAppendTime = 777_000;
        builder.Append(1, Utf8("a"), Utf8("b"));
        builder.Append(2, Utf8("c"), Utf8("d"));
        var batches = ReadAll(builder.Build(codec).ToArray());
        Assert.All(batches, b => Assert.Equal(TimestampType.LogAppendTime, b.Batch.TimestampType));
        Assert.Equal([777_000L, 777_000], batches.SelectMany(b => b.Records).Select(r => r.Timestamp).ToArray());
    }

    [Fact]
    public void Legacy_and_v2_batches_mix_in_one_records_field()
    {
        using var legacy = new LegacyMessageSetBuilder(1);
        legacy.Append(1, Utf8("old"), Utf8("one"));
        var first = legacy.Build().ToArray();
        using var v2 = new RecordBatchBuilder();
        v2.BaseOffset = 1;
        v2.Append(2, Utf8("new"), Utf8("two"));
        var batches = ReadAll(Concat(first, v2.Build().ToArray()));
        Assert.Equal([(byte)1, (byte)2], batches.Select(b => b.Batch.Magic).ToArray());
        Assert.Equal([0L, 1], batches.SelectMany(b => b.Records).Select(r => r.Offset).ToArray());
    }

    [Fact]
    public void Magic_0_lz4_uses_the_pre_0_10_header_checksum_and_reads_both_forms()
    {
        using var builder = new LegacyMessageSetBuilder(0);
        builder.Append(0, Utf8("key"), Utf8("value"));
        var bytes = builder.Build(CompressionType.Lz4).ToArray();

        // The wrapper value starts after offset, size, crc, magic, attributes and the null key.
        var frame = bytes.AsSpan(LegacyMessageSetBuilderValueStart(0));
        Assert.True(LegacyLz4.TryFindHeaderChecksum(frame, out var hc));
        Assert.Equal((byte)(System.IO.Hashing.XxHash32.HashToUInt32(frame[..hc]) >> 8), frame[hc]);
        Assert.NotEqual((byte)(System.IO.Hashing.XxHash32.HashToUInt32(frame[4..hc]) >> 8), frame[hc]);
        Assert.Equal(Utf8("value"), Assert.Single(Assert.Single(ReadAll(bytes)).Records).Value);

        // A frame with the correct checksum (as a fixed producer writes) reads too; the CRC is not checked here.
        LegacyLz4.FixHeaderChecksum(bytes.AsSpan(LegacyMessageSetBuilderValueStart(0)));
        Assert.Equal(Utf8("value"), Assert.Single(Assert.Single(ReadAll(bytes, checkCrcs: false)).Records).Value);
    }

    [Fact]
    public void Zstd_is_refused_for_legacy_messages()
    {
        using var builder = new LegacyMessageSetBuilder(1);
        builder.Append(1, Utf8("a"), Utf8("b"));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Build(CompressionType.Zstd));

        // And on the read side: a magic 1 message whose attributes claim zstd.
        var bytes = builder.Build().ToArray();
        bytes[17] = 4;
        Fix(bytes);
        var e = Assert.Throws<KafkaProtocolException>(() => ReadAll(bytes));
        Assert.Contains("zstd", e.Message);
    }

    [Fact]
    public void Legacy_crc_mismatch_is_reported()
    {
        using var builder = new LegacyMessageSetBuilder(1);
        builder.Append(1, Utf8("a"), Utf8("b"));
        var bytes = builder.Build().ToArray();
        bytes[^1] ^= 0x01;
        var e = Assert.Throws<KafkaProtocolException>(() => ReadAll(bytes));
        Assert.Matches("message at offset 0 has CRC 0x[0-9A-F]{8} but computed 0x[0-9A-F]{8}", e.Message);
        Assert.Single(ReadAll(bytes, checkCrcs: false));
    }

    [Fact]
    public void Nested_compression_is_rejected()
    {
        using var inner = new LegacyMessageSetBuilder(1);
        inner.Append(1, Utf8("a"), Utf8("b"));
        var innerWrapper = inner.Build(CompressionType.Gzip).ToArray();

        // Wrap the already-compressed wrapper once more by hand.
        var compressed = new PooledBufferWriter();
        RxKafka.Protocol.Compression.KafkaCompression.Compress(CompressionType.Gzip, innerWrapper, compressed);
        var outer = new PooledBufferWriter();
        LegacyMessageSetBuilder.WriteMessage(outer, 0, 1, (byte)CompressionType.Gzip, 1, default, true, compressed.WrittenSpan, false);
        var e = Assert.Throws<KafkaProtocolException>(() => ReadAll(outer.WrittenMemory.ToArray()));
        Assert.Contains("only one level of compression", e.Message);
    }

    private static int LegacyMessageSetBuilderValueStart(byte magic) => 12 + (magic == 0 ? 14 : 22);

    /// <summary>Recomputes a single message's CRC after a test edits it.</summary>
    private static void Fix(byte[] message)
        => BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(12), System.IO.Hashing.Crc32.HashToUInt32(message.AsSpan(16)));
}
