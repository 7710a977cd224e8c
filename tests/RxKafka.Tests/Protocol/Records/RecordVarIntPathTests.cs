using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using Xunit;
using static RxKafka.Tests.Protocol.Records.RecordBatchTestKit;

namespace RxKafka.Tests.Protocol.Records;

// The record decoder reads one- and two-byte varints inline and hands longer ones, and anything at a record's
// end, to VarInt: these pin every width, both signs and the boundary, so the inline path and the general one agree.
public sealed class RecordVarIntPathTests
{
    [Theory]
    [InlineData(0)]          // one byte
    [InlineData(100)]        // zig-zag 200: two bytes
    [InlineData(10_000)]     // zig-zag 20,000: three bytes, the general path
    [InlineData(1_000_000)]  // four bytes
    public void Values_of_every_varint_width_read_back_whole(int valueLength)
    {
        var values = new[] { Bytes(valueLength, 1), Bytes(valueLength / 2, 2), Bytes(valueLength + 1, 3) };
        using var builder = new RecordBatchBuilder();
        builder.BaseOffset = 7;
        foreach (var value in values)
        {
            builder.Append(1_000, null, value);
        }

        var records = Read(builder.Build().ToArray());

        Assert.Equal(values.Length, records.Count);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(7 + i, records[i].Offset);
            Assert.True(records[i].KeyNull);
            Assert.Equal(values[i], records[i].Value);
        }
    }

    [Fact]
    public void Offset_and_timestamp_deltas_of_one_two_and_more_bytes_and_both_signs_read_back()
    {
        // Timestamps around the first one (deltas -70,000..+70,000 ms) and 300 records (offset deltas up to 299).
        long[] deltas = [0, 1, -1, 63, -64, 64, -65, 8_191, -8_192, 8_192, 70_000, -70_000];
        using var builder = new RecordBatchBuilder();
        builder.BaseOffset = 1_000;
        for (var i = 0; i < 300; i++)
        {
            builder.Append(1_700_000_000_000L + deltas[i % deltas.Length], Utf8($"k{i}"), Utf8($"v{i}"));
        }

        var records = Read(builder.Build().ToArray());

        Assert.Equal(300, records.Count);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(1_000 + i, records[i].Offset);
            Assert.Equal(1_700_000_000_000L + deltas[i % deltas.Length], records[i].Timestamp);
            Assert.Equal(Utf8($"k{i}"), records[i].Key);
            Assert.Equal(Utf8($"v{i}"), records[i].Value);
        }
    }

    [Fact]
    public void A_varint_whose_first_byte_says_more_follows_at_the_last_byte_of_a_record_is_truncation()
    {
        using var builder = new RecordBatchBuilder();
        builder.BaseOffset = 500;
        builder.Append(1_000, null, Utf8("v"));
        var bytes = builder.Build().ToArray();

        // The header count (0) is the record's last byte, and so the batch's: say "more follows" there.
        Assert.Equal(0, bytes[^1]);
        bytes[^1] = 0x80;
        FixCrc(bytes);

        var e = Assert.Throws<KafkaProtocolException>(() => Read(bytes));
        Assert.Contains("truncated record: the header count of record 0 in the batch at offset 500 runs past the end of the record", e.Message);
    }

    private static byte[] Bytes(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    private static void FixCrc(byte[] bytes)
        => System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(17), Crc32C.Compute(bytes.AsSpan(21)));

    private static List<(long Offset, long Timestamp, bool KeyNull, byte[] Key, byte[] Value)> Read(byte[] bytes)
    {
        var read = new List<(long, long, bool, byte[], byte[])>();
        using var reader = new RecordBatchReader(bytes);
        while (reader.TryReadBatch(out var batch))
        {
            foreach (var record in batch)
            {
                read.Add((record.Offset, record.Timestamp, record.IsKeyNull, record.Key.ToArray(), record.Value.ToArray()));
            }
        }

        return read;
    }
}
